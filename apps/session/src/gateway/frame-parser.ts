import type { RawData } from 'ws';
import { CLIENT_FRAME_TYPES, DomainError, ErrorCodes, clientFrameSchema, findInputProblem, isJsonObject, type ClientFrame } from '@msync/contracts';

export type ClientFrameType = (typeof CLIENT_FRAME_TYPES)[number];

/** A frame that passed every check, or the error that one frame answers (with its `id` and type when it had them). */
export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; error: DomainError; id?: string; type?: ClientFrameType };

const MAX_PROBLEM_TEXT = 300;

const refuse = (code: (typeof ErrorCodes)[keyof typeof ErrorCodes], message: string, id?: string, type?: ClientFrameType): ParsedFrame => ({
  ok: false,
  error: new DomainError(code, message.length > MAX_PROBLEM_TEXT ? `${message.slice(0, MAX_PROBLEM_TEXT)}...` : message),
  id,
  type,
});

/**
 * Parse, then shape, then schema: text JSON, a plain object, bounded depth and storable strings,
 * a known `t`, then the frame's own schema. No step embeds the device's value in the answer, and
 * none recurses over it, so no frame can throw past this function.
 */
export function parseClientFrame(data: RawData, isBinary: boolean): ParsedFrame {
  if (isBinary) return refuse(ErrorCodes.MALFORMED_FRAME, 'a frame must be one JSON object in a text message');
  let raw: unknown;
  try {
    raw = JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8'));
  } catch {
    return refuse(ErrorCodes.MALFORMED_FRAME, 'a frame must be one JSON object in a text message');
  }
  if (!isJsonObject(raw)) return refuse(ErrorCodes.MALFORMED_FRAME, 'a frame must be a JSON object');
  // Echoed only when it could be a valid request id, so an answer never carries a hostile value back.
  const id = typeof raw.id === 'string' && raw.id.length > 0 && raw.id.length <= 64 && findInputProblem(raw.id) === undefined ? raw.id : undefined;
  const type = typeof raw.t === 'string' && (CLIENT_FRAME_TYPES as readonly string[]).includes(raw.t) ? (raw.t as ClientFrameType) : undefined;
  const problem = findInputProblem(raw);
  if (problem) return refuse(problem.kind === 'too_deep' ? ErrorCodes.MALFORMED_FRAME : ErrorCodes.INVALID_FIELD, problem.message, id, type);
  if (!type) return refuse(ErrorCodes.UNKNOWN_FRAME_TYPE, `"t" must be one of ${CLIENT_FRAME_TYPES.join(', ')}`, id);
  const parsed = clientFrameSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map((p) => String(p).slice(0, 40)).join('.') || '(frame)'}: ${i.message}`).join('; ');
    return refuse(ErrorCodes.INVALID_FIELD, problems, id, type);
  }
  return { ok: true, frame: parsed.data };
}
