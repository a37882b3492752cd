// The widget modules under test import their styles as strings (`./x.css?inline`), as Vite builds them.
/// <reference types="vite/client" />
