// The demo shop's snippet configuration: the documented window.__8x8Chat object. The shop talks
// straight to the contact center; with data-via="bot" on this script tag, to the bot bridge, which
// speaks the same Customer Chat API with a bot first.
(function () {
  var demo = window.PARLEY_DEMO;
  var viaBot = document.currentScript && document.currentScript.getAttribute('data-via') === 'bot';
  window.__8x8Chat = {
    domain: viaBot ? demo.bridgeUrl : demo.emulatorUrl,
    contactCenterId: demo.contactCenterId,
    tenant: 'demo',
    channel: 'web',
    onInit: function (bus, chatApp) {
      bus.publish('customer:set-info', { 'Signed in': false, 'Cart items': 2, Page: location.pathname });
      document.getElementById('help').addEventListener('click', function () {
        bus.publish('chat:trigger-chat-window');
      });
      window.parleyDemo = { bus: bus, chatApp: chatApp };
    },
  };
  var agent = demo.emulatorUrl + '/agent';
  document.querySelectorAll('#agent-console, .agent-link').forEach(function (a) {
    a.href = agent;
    a.target = '_blank';
    a.rel = 'noopener';
  });
})();
