// The widget's icons as SVG path data (24×24 viewBox). Dependency-free: the loader draws its first
// launcher with the same chat icon the app renders.
export const CHAT_ICON_PATH = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';

export const CLOSE_ICON_PATH = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12 19 6.4 17.6 5 12 10.6z';

export const MINIMIZE_ICON_PATH = 'M5 11h14v2H5z';
