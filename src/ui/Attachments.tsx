import type { Attachment } from '../core';
import { useT, useWidget } from './context';
import { INLINE_IMAGES, fileSize, safeUrl } from './url';

/**
 * The files of a message: pictures inline in a box of fixed proportions (no jump when they load),
 * other files as download links with their name and size. The server sends each file as a
 * download unless it is a safe picture type, whatever the link says.
 */
export function Attachments({ files }: { files: Attachment[] }) {
  const t = useT();
  const widget = useWidget();
  const language = widget.language.value;
  return (
    <ul class="attachments" aria-label={t('attachmentsLabel')}>
      {files.map((file) => {
        const url = safeUrl(file.url);
        if (!url) return null;
        const name = String(file.name);
        return (
          <li key={file.id} class="attachment">
            {INLINE_IMAGES.has(file.contentType) ? (
              <a href={url} target="_blank" rel="noopener noreferrer" class="attachment-link">
                <img class="attachment-image" src={url} alt={name} loading="lazy" decoding="async" width={240} height={180} onError={() => widget.refreshFiles()} />
              </a>
            ) : (
              <a href={url} target="_blank" rel="noopener noreferrer" download={name} class="attachment-file">
                <bdi>{name}</bdi> <span class="attachment-size">({fileSize(file.size, language)})</span>
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}
