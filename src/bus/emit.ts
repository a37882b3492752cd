// How topics travel inside the widget, typed by the maps (not shipped to integrators: the page sees
// the Bus of chat.ts).
import type { CommandTopic, EventTopic, Events } from './chat';

/** How the widget publishes its events: only mapped topics, each with its data. */
export type Emit = <K extends EventTopic>(topic: K, data: Events[K]) => void;

/**
 * How the app receives the page's commands. The data is as the page (or the app in a webview) sent
 * it, unchecked: the topic's rules check it.
 */
export type Dispatch = (topic: CommandTopic, data: unknown) => void;
