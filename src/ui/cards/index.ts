// What leaves the cards chunk (loaded lazily by ../lazy-cards.ts): the cards of one message, in a
// list or a carousel. Its styles come with it and join the shadow root when it first renders.
export { Cards } from './Cards';
