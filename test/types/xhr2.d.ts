// xhr2 ships no types: it is an XMLHttpRequest for Node (the tests give it to botframework-directlinejs).
declare module 'xhr2' {
  const XMLHttpRequest: typeof globalThis.XMLHttpRequest;
  export default XMLHttpRequest;
}
