// The page a mobile app loads in its webview: the widget full screen, talking to the app through
// the native bridge (see src/README.md, "Webview"). ?via=bot talks to the bot bridge instead.
(function () {
  var demo = window.PARLEY_DEMO;
  var viaBot = new URLSearchParams(location.search).get('via') === 'bot';
  window.__8x8Chat = {
    domain: viaBot ? demo.bridgeUrl : demo.emulatorUrl,
    contactCenterId: demo.contactCenterId,
    mode: 'webview',
  };
})();
