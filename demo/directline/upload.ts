// Upload: POST /v3/directline/conversations/{id}/upload?userId=…, as the reference describes it.
// Either multipart/form-data (one part per file, plus an optional part named "activity" of type
// application/vnd.microsoft.activity holding the message to send them with: what Web Chat and
// botframework-directlinejs send), or a single file as the raw body (its Content-Type, and its name
// in Content-Disposition). The files are stored and one message activity carries them as
// attachments whose contentUrl is this service's view of the file; it is delivered like a posted
// activity. Answers { id }.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { acceptFromUser } from './activities';
import { conversationFor, type DirectLine } from './context';
import { DirectLineError } from './errors';

type UploadRequest = FastifyRequest<{ Params: { conversationId: string }; Querystring: { userId?: string } }>;

const ACTIVITY_TYPE = 'application/vnd.microsoft.activity';
const MAX_FILES = 10;
const MAX_ACTIVITY_BYTES = 256 * 1024;

interface UploadedFile {
  name?: string | undefined;
  type?: string | undefined;
  bytes: Buffer;
}

/**
 * The parts of a multipart body, parsed by the platform's own parser (undici's FormData) from a
 * body whose size the route already capped; each file is then held to the per-file limit.
 */
async function partsOf(body: Buffer, contentType: string, maxFile: number): Promise<{ template: Record<string, unknown>; files: UploadedFile[] }> {
  let form: FormData;
  try {
    form = await new Response(new Blob([new Uint8Array(body)]), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new DirectLineError('BadArgument', 'The multipart body could not be read');
  }
  let template: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  const entries: [string, string | File][] = [];
  form.forEach((value, field) => entries.push([field, value]));
  for (const [field, value] of entries) {
    if (typeof value === 'string') {
      if (field === 'activity') template = parseTemplate(value);
      continue;
    }
    if (field === 'activity' || value.type === ACTIVITY_TYPE) {
      if (value.size > MAX_ACTIVITY_BYTES) throw new DirectLineError('MessageSizeTooBig', 'The "activity" part is too large');
      template = parseTemplate(await value.text());
      continue;
    }
    if (files.length >= MAX_FILES) throw new DirectLineError('BadArgument', `At most ${MAX_FILES} files in one upload`);
    if (value.size > maxFile) throw new DirectLineError('MessageSizeTooBig', `A file may hold at most ${maxFile} bytes`);
    files.push({ name: value.name, type: value.type || undefined, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { template, files };
}

function parseTemplate(raw: string): Record<string, unknown> {
  let template: unknown;
  try {
    template = JSON.parse(raw);
  } catch {
    throw new DirectLineError('BadArgument', 'The "activity" part is not JSON');
  }
  if (typeof template !== 'object' || template === null || Array.isArray(template)) throw new DirectLineError('BadArgument', 'The "activity" part must be an activity');
  return template as Record<string, unknown>;
}

/** filename="…" or filename*=UTF-8''… of a Content-Disposition header. */
function filenameOf(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      return undefined;
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1]?.trim();
}

export async function uploadApi(app: FastifyInstance, opts: { dl: DirectLine }): Promise<void> {
  const { dl } = opts;
  const fileSize = dl.config.uploadMaxBytes;
  // All of one upload: a few files at the largest size, plus the activity.
  const bodyLimit = fileSize * 4 + MAX_ACTIVITY_BYTES;
  // The body as bytes, whatever its type (only in this plugin's scope): a file, or multipart.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  app.post('/v3/directline/conversations/:conversationId/upload', { bodyLimit }, async (req) => {
    const request = req as UploadRequest;
    const who = dl.tokens.authorize(request);
    const conversation = conversationFor(dl, who, request.params.conversationId);
    const userId = request.query.userId;
    if (!userId) throw new DirectLineError('MissingProperty', 'The upload needs "?userId="');

    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const contentType = request.headers['content-type'] ?? '';
    let template: Record<string, unknown> = {};
    let files: UploadedFile[] = [];
    if (/^multipart\/form-data\s*;/i.test(contentType)) {
      ({ template, files } = await partsOf(body, contentType, fileSize));
    } else if (body.length > 0) {
      if (body.length > fileSize) throw new DirectLineError('MessageSizeTooBig', `A file may hold at most ${fileSize} bytes`);
      files.push({ name: filenameOf(request.headers['content-disposition']), type: contentType.split(';')[0]?.trim() || undefined, bytes: body });
    }
    if (files.length === 0) throw new DirectLineError('MissingProperty', 'The upload holds no file');

    // Stored first, so the activity's contentUrls work by the time the bot reads them.
    const stored = files.map((file) => dl.files.put(conversation, file));
    const given = Array.isArray(template.attachments) ? (template.attachments as unknown[]) : [];
    const attachments = stored.map((file, i) => {
      const described = given[i];
      const name =
        typeof described === 'object' && described !== null && typeof (described as { name?: unknown }).name === 'string' ? (described as { name: string }).name : file.name;
      return { contentType: file.type, contentUrl: `${dl.publicUrl()}/v3/attachments/${file.id}/views/original`, name };
    });
    const activity = { ...template, type: 'message', from: { ...(typeof template.from === 'object' && template.from ? template.from : {}), id: userId }, attachments };
    const result = await acceptFromUser(dl, conversation, who, activity);
    return { id: result.id };
  });
}
