// The widget's labels for cards and files, in English. A language's table may give them too; until
// one does, they show in English (the translator falls back key by key), so adding a key here never
// leaves a language without a text.
export const enRich = {
  cardsCarousel: '{{count}} cards, side by side',
  cardPosition: 'Card {{position}} of {{count}}',
  cardPrevious: 'Previous card',
  cardNext: 'Next card',
  opensInNewTab: '(opens in a new tab)',
  playMedia: 'Play',
  attachmentsLabel: 'Files',
  attachButton: 'Attach a file',
  attachHint: '{{types}}, up to {{size}} each',
  dropFiles: 'Drop files here to send them',
  fileTooLarge: '{{name}} cannot be sent: files may be up to {{size}}.',
  fileTypeRefused: '{{name}} cannot be sent: only {{types}} files are accepted.',
  fileTooMany: '{{name}} was not added: at most {{count}} files at a time.',
  fileLost: 'This file is no longer on this device: please attach it again.',
  uploadProgress: 'Uploading {{name}}',
  cancelFile: 'Cancel',
  cancelFileLabel: 'Cancel sending {{name}}',
  retryFile: 'Retry',
} as const;

export type RichKey = keyof typeof enRich;
