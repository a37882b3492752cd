// What leaves ui/: the root component with the context it reads the widget from, the view it
// declares (the app's widget satisfies it), and the styles the mount code adopts into the shadow root.
export { App } from './App';
export { WidgetContext } from './context';
export type { ViewState, WidgetView } from './view';
export { loadStylesheet } from './stylesheet';
export { themeCss } from './theme';
export { default as hostCss } from './host.css?inline';
export { default as css } from './styles.css?inline';
