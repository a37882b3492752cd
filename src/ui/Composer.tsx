import { useEffect, useRef, useState } from 'preact/hooks';
import { AttachButton, useRefusalText } from './Attach';
import { useT, useWidget } from './context';

const TYPING_IDLE_MS = 3000;

/**
 * The message field: Enter sends; typing is announced when it starts and when it stops, never per
 * key. Files come from the attach button, a paste, or a drop on the window (ChatWindow hands them
 * here through `dropped`); each goes as its own message, and what the limits refuse is said here.
 */
export function Composer({ refused = '' }: { refused?: string }) {
  const widget = useWidget();
  const t = useT();
  const refusalText = useRefusalText();
  const [problem, setProblem] = useState('');
  useEffect(() => setProblem(refused), [refused]);
  const attach = (files: File[]) => void widget.attach(files).then((r) => setProblem(refusalText(r)));
  const [text, setText] = useState('');
  const [sent, setSent] = useState(0);
  const field = useRef<HTMLTextAreaElement>(null);
  const typing = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const stopTyping = () => {
    clearTimeout(timer.current);
    if (typing.current) {
      typing.current = false;
      widget.typing(false);
    }
  };
  useEffect(() => stopTyping, []);

  // WebKit (Safari, every iOS webview) repaints a focused field emptied by script only where its
  // text was, leaving most of the placeholder unpainted until the field loses focus. Setting the
  // placeholder again once the empty field is on screen makes it paint the placeholder whole.
  useEffect(() => {
    const el = field.current;
    if (!sent || !el) return;
    const placeholder = el.getAttribute('placeholder') ?? '';
    el.removeAttribute('placeholder');
    el.setAttribute('placeholder', placeholder);
  }, [sent]);

  const onInput = (event: Event) => {
    setText((event.currentTarget as HTMLTextAreaElement).value);
    if (!typing.current) {
      typing.current = true;
      widget.typing(true);
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const send = (event?: Event) => {
    event?.preventDefault();
    if (!text.trim()) return;
    stopTyping();
    void widget.send(text);
    setText('');
    setSent((n) => n + 1);
  };

  return (
    <form class="composer" onSubmit={send}>
      <label for="message-field" class="visually-hidden">
        {t('messageLabel')}
      </label>
      <textarea
        ref={field}
        id="message-field"
        rows={1}
        value={text}
        placeholder={t('messageLabel')}
        onInput={onInput}
        onPaste={(e) => {
          const files = [...(e.clipboardData?.files ?? [])];
          if (files.length && widget.files.value) {
            e.preventDefault();
            attach(files);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
        }}
      />
      <AttachButton onFiles={attach} />
      <button type="submit" class="primary send">
        {t('sendButton')}
      </button>
      {problem && (
        <p class="chat-error-msg file-refused" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
