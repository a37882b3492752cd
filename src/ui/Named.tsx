// A sentence with a name in it ("You are now chatting with {agent}."), the name isolated in a
// <bdi>: a name someone typed may hold right-to-left override characters, which would otherwise
// reverse the rest of the sentence around it. The sentence's text stays the translator's.
import type { ComponentChildren } from 'preact';

/** A private-use character no translation holds: where the name goes in the translated text. */
const SLOT = '\uE000';

export function Named({ text, name }: { text: (name: string | undefined) => string; name: string | undefined }): ComponentChildren {
  if (!name) return text(undefined);
  const [first, ...rest] = text(SLOT).split(SLOT);
  return [first, ...rest.flatMap((after, i) => [<bdi key={i}>{name}</bdi>, after])];
}
