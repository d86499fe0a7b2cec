jest.setTimeout(120_000);
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'fatal';
