// The fuzz of the running services (apps/e2e/src/fuzz.integration-spec.ts, `npm run fuzz`).
export { runFuzz, type FuzzOptions } from './campaign';
export { fuzzOptionsFromEnv, formatFuzzSummary, fuzzSummaryLine } from './options';
export type { FuzzSummary, FailureRecord } from './report';
export { frameCase, renderFrame, describeFrame, type FrameCase, type FramePayload } from './frames';
export { requestCase, describeRequest, type RequestCase } from './requests';
export { expectationOf, judgeFrame, type Expectation, type Observation } from './ws-oracle';
export { judgeHttp, type HttpResult } from './http-oracle';
