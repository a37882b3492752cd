// Files in the transcript, and the agent's attach button. A picture of a safe type shows as a
// thumbnail (a link to the full picture); anything else, SVG and HTML included, is only ever a
// download link with its name and size.
import { useRef } from 'preact/hooks';
import type { FileView } from './api';
import type { ConsoleModel } from './model';
import { fileSize, INLINE_IMAGE_TYPES, safeLink } from './safe-url';

export function Attachments({ files }: { files: FileView[] }) {
  return (
    <ul class="files" aria-label={files.length > 1 ? `${files.length} files` : 'File'}>
      {files.map((file) => {
        const href = safeLink(file.url);
        if (!href) return null;
        const label = `${file.name} (${fileSize(file.size)})`;
        return (
          <li key={file.id}>
            {INLINE_IMAGE_TYPES.has(file.contentType) ? (
              <a href={href} target="_blank" rel="noopener noreferrer" class="thumb" title={label}>
                <img src={href} alt={file.name} loading="lazy" />
                <span class="file-name">{label}</span>
              </a>
            ) : (
              <a href={href} download={file.name} class="download">
                {file.name} <span class="file-size">({fileSize(file.size)})</span>
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}

const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,.txt,.pdf';
const MAX_BYTES = 10 * 1024 * 1024;

/** A button that opens the file picker; the chosen file goes to the customer at once. */
export function AttachButton({ model, id }: { model: ConsoleModel; id: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        id="attach-file"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        accept={ACCEPT}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (!file) return;
          if (file.size > MAX_BYTES) {
            model.error.value = `${file.name} is larger than 10 MB, the most a file may be.`;
            return;
          }
          void model.sendFile(id, file);
        }}
      />
      <button type="button" class="secondary" aria-describedby="attach-hint" onClick={() => input.current?.click()}>
        Attach a file
      </button>
      <span id="attach-hint" class="visually-hidden">
        A picture, a PDF or a text file, up to 10 MB; it is sent to the customer at once.
      </span>
    </>
  );
}
