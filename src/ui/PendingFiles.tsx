import { useEffect, useState } from 'preact/hooks';
import type { Outgoing, OutgoingFile } from '../core';
import { useT, useWidget } from './context';
import { INLINE_IMAGES, fileSize, typeNames } from './url';

/** A picture's preview from the bytes waiting in the browser (a blob: URL, revoked when it goes). */
function Preview({ file }: { file: OutgoingFile }) {
  const widget = useWidget();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!INLINE_IMAGES.has(file.type) || typeof URL.createObjectURL !== 'function') return;
    let made: string | null = null;
    let gone = false;
    void widget.blob(file.key).then((blob) => {
      if (!blob || gone) return;
      made = URL.createObjectURL(blob);
      setUrl(made);
    });
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file.key]);
  return url ? <img class="attachment-image preview" src={url} alt={file.name} width={240} height={180} /> : null;
}

/** The files of a message on its way: preview, name and size, progress, why it was refused, cancel and retry. */
export function PendingFiles({ message }: { message: Outgoing }) {
  const widget = useWidget();
  const t = useT();
  const language = widget.language.value;
  const share = widget.progress.value[message.id];
  const files = message.files ?? [];
  const name = files.map((f) => f.name).join(', ');
  const limits = widget.files.value;
  return (
    <div class="pending-files">
      <ul class="attachments" aria-label={t('attachmentsLabel')}>
        {files.map((file) => (
          <li key={file.key} class="attachment">
            <Preview file={file} />
            <span class="attachment-file">
              <bdi>{file.name}</bdi> <span class="attachment-size">({fileSize(file.size, language)})</span>
            </span>
          </li>
        ))}
      </ul>
      {share !== undefined && message.status !== 'sent' && <progress class="upload-progress" max={1} value={share} aria-label={t('uploadProgress', { name })} />}
      {message.error && (
        <p class="file-error" role="alert">
          {t(message.error, { name, size: limits ? fileSize(limits.maxBytes, language) : '', types: limits ? typeNames(limits.contentTypes) : '' })}
        </p>
      )}
      <div class="file-actions">
        {message.status === 'failed' && message.error !== 'fileLost' && (
          <button type="button" onClick={() => void widget.retry(message.id)}>
            {t('retryFile')}
          </button>
        )}
        {message.status !== 'sent' && (
          <button type="button" aria-label={t('cancelFileLabel', { name })} onClick={() => void widget.cancel(message.id)}>
            {t('cancelFile')}
          </button>
        )}
      </div>
    </div>
  );
}
