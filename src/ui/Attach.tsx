import { useRef } from 'preact/hooks';
import type { FileRefusal } from '../core/conversation';
import { useT, useWidget } from './context';
import { fileSize, typeNames } from './url';

/** What the composer shows after files were refused before any upload, in the chat language. */
export function useRefusalText() {
  const widget = useWidget();
  const t = useT();
  return (refused: FileRefusal[]) => {
    const limits = widget.files.value;
    const vars = { size: limits ? fileSize(limits.maxBytes, widget.language.value) : '', types: limits ? typeNames(limits.contentTypes) : '', count: 10 };
    return refused.map((r) => t(r.reason, { ...vars, name: r.name })).join(' ');
  };
}

/** The attach button: opens the file picker, limited to the types the server takes; the limits are its description. */
export function AttachButton({ onFiles }: { onFiles(files: File[]): void }) {
  const widget = useWidget();
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const limits = widget.files.value;
  if (!limits) return null;
  const hint = t('attachHint', { types: typeNames(limits.contentTypes), size: fileSize(limits.maxBytes, widget.language.value) });
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        accept={limits.contentTypes.join(',')}
        onChange={(e) => {
          const el = e.currentTarget as HTMLInputElement;
          const files = [...(el.files ?? [])];
          el.value = '';
          if (files.length) onFiles(files);
        }}
      />
      <button
        type="button"
        class="attach"
        aria-label={t('attachButton')}
        aria-describedby="parley-attach-hint"
        title={`${t('attachButton')}: ${hint}`}
        onClick={() => input.current?.click()}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z" fill="currentColor" />
        </svg>
      </button>
      <span id="parley-attach-hint" class="attach-hint">
        {hint}
      </span>
    </>
  );
}
