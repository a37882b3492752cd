// Reading one uploaded file from a multipart/form-data request, the same way for every API of the
// emulator (customer, agent, Chat Gateway): one file part of a given name, a few small text
// fields, a size limit enforced while the bytes arrive. Each API turns UploadError into its own
// error format.
import type { FastifyRequest } from 'fastify';
import { MAX_FILE_BYTES, safeFileName } from '../../../bot-bridge/customer-chat-api';

export type UploadErrorKind = 'malformed' | 'too-large' | 'empty';

export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    readonly kind: UploadErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface Upload {
  /** The file name the client gave, made safe (no path, no control characters). */
  name: string;
  /** The type the client claimed: never trusted, kept for the record. */
  claimedType: string;
  bytes: Buffer;
  fields: Record<string, string>;
}

export interface UploadSpec {
  /** The name of the one file part. */
  fileField: string;
  /** Text fields that may come with it, and their longest length. */
  fields?: Record<string, number>;
  maxBytes?: number;
}

/** The options @fastify/multipart is registered with: nothing beyond one file and a few fields gets parsed. */
export const MULTIPART_LIMITS = { fileSize: MAX_FILE_BYTES, files: 1, fields: 4, parts: 5, fieldNameSize: 100, fieldSize: 8000, headerPairs: 100 };

export async function readUpload(request: FastifyRequest, spec: UploadSpec): Promise<Upload> {
  if (!request.isMultipart()) throw new UploadError('malformed', `Send multipart/form-data with one file part named "${spec.fileField}"`);
  const maxBytes = spec.maxBytes ?? MAX_FILE_BYTES;
  const allowed = spec.fields ?? {};
  const fields: Record<string, string> = {};
  let file: Omit<Upload, 'fields'> | undefined;
  try {
    for await (const part of request.parts({ limits: { ...MULTIPART_LIMITS, fileSize: maxBytes } })) {
      if (part.type === 'file') {
        if (part.fieldname !== spec.fileField) {
          part.file.resume();
          throw new UploadError('malformed', `Unexpected file part "${part.fieldname}": the file goes in a part named "${spec.fileField}"`);
        }
        // Throws when the limit is passed: the rest of the bytes are never kept.
        const bytes = await part.toBuffer();
        file = { name: safeFileName(part.filename ?? '', 'file'), claimedType: part.mimetype, bytes };
      } else {
        const max = allowed[part.fieldname];
        if (max === undefined) throw new UploadError('malformed', `Unexpected field "${part.fieldname}"`);
        if (typeof part.value !== 'string' || part.value.length > max) throw new UploadError('malformed', `"${part.fieldname}" must be text of at most ${max} characters`);
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    if (error instanceof UploadError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadError('too-large', `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the most this server takes`);
    if (code === 'FST_FILES_LIMIT') throw new UploadError('malformed', 'Send one file per request');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PROTO_VIOLATION') throw new UploadError('malformed', 'Too many or unexpected form fields');
    if ((error as { statusCode?: number }).statusCode && (error as { statusCode: number }).statusCode < 500) {
      throw new UploadError('malformed', `The multipart body could not be read: ${(error as Error).message}`);
    }
    throw error;
  }
  if (!file) throw new UploadError('malformed', `No file: send one part named "${spec.fileField}"`);
  if (file.bytes.length === 0) throw new UploadError('empty', 'The file is empty');
  return { ...file, fields };
}
