// What leaves bus/: the topic maps and the types typed against them (chat.ts, shipped to
// integrators as dist/chat.d.ts), how topics travel inside the widget (emit.ts), and the rules that
// check the data of the page's commands.
export type * from './chat';
export type { Dispatch, Emit } from './emit';
export { checkLanguage, mergeCustomerInfo, mergeVariables, type Logger } from './rules';
