import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { WidgetView } from './view';

export const WidgetContext = createContext<WidgetView | null>(null);

export function useWidget(): WidgetView {
  const widget = useContext(WidgetContext);
  if (!widget) throw new Error('Parley UI rendered outside its widget');
  return widget;
}

/** The translate function of the current chat language. */
export function useT() {
  const widget = useWidget();
  return widget.translator.value.t;
}
