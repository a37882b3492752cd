// Chat Gateway errors. The vendor's error bodies are not RFC 7807: they carry `message`, `errors`
// (objects, strings or, for a bad message, a single object) and sometimes `referenceId`.
import { randomBytes } from 'node:crypto';

export type ProblemBody = {
  message: string;
  errors: unknown;
  referenceId?: string;
};

export class GatewayProblem extends Error {
  override name = 'GatewayProblem';
  constructor(
    readonly status: number,
    readonly body: ProblemBody,
  ) {
    super(body.message);
  }
}

const referenceId = () => randomBytes(8).toString('hex');

export const unauthorized = () =>
  new GatewayProblem(401, {
    message: 'Access Denied',
    errors: [{ code: 'access_denied', message: 'A valid x-api-key header is required' }],
    referenceId: referenceId(),
  });

export const notFound = (type: string, id: string) =>
  new GatewayProblem(404, {
    message: `Resource of type ${type} with id ${id} was not found.`,
    errors: [`${type} ${id} does not exist`],
  });

export const invalid = (message: string, code = 'invalid_parameter') => new GatewayProblem(400, { message, errors: [{ code, message }], referenceId: referenceId() });

/** POST …/messages answers a bad body with a single error object, not an array. */
export const badMessage = (message: string) => new GatewayProblem(400, { message, errors: { code: 'invalid_json_object', message }, referenceId: referenceId() });

export const conflict = (message: string) => new GatewayProblem(409, { message, errors: [{ code: 'invalid_state', message }] });
