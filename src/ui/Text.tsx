import { linkify } from './linkify';

/** Text with its links made clickable (in messages and in cards). */
export function Text({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          // dir="ltr" isolates the link: an override character before it in the text cannot reverse it.
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow" dir="ltr">
            {part.text}
          </a>
        ),
      )}
    </>
  );
}
