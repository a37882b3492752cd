// The bus playground: every command topic from a button, every event in a list.
(function () {
  var demo = window.PARLEY_DEMO;
  var list = document.getElementById('events');
  function show(kind, topic, data) {
    var item = document.createElement('li');
    var name = document.createElement('span');
    name.className = 'topic';
    name.textContent = kind === 'event' ? topic : kind + ': ' + topic;
    item.append(name, ' ', data === undefined ? '' : JSON.stringify(data));
    list.prepend(item);
  }
  // The bus rules warn in the console; the playground shows those lines too.
  ['warn', 'error'].forEach(function (level) {
    var original = console[level].bind(console);
    console[level] = function () {
      original.apply(null, arguments);
      show('console.' + level, String(arguments[0]));
    };
  });
  var EVENTS = [
    'customer:info-sent',
    'chat:phase-changed',
    'chat:message-received',
    'chat:ended',
    'chat:unread-changed',
    'chat:error',
    'chat:ready',
    'chat:session-created',
    'chat:closed',
  ];
  window.__8x8Chat = {
    domain: demo.emulatorUrl,
    contactCenterId: demo.contactCenterId,
    onInit: function (bus, chatApp) {
      EVENTS.forEach(function (topic) {
        bus.subscribe(topic, function (data) {
          show('event', topic, data);
        });
      });
      document.querySelectorAll('[data-publish]').forEach(function (button) {
        button.addEventListener('click', function () {
          var topic = button.getAttribute('data-publish');
          var source = button.getAttribute('data-from');
          var data;
          if (source) {
            var value = document.getElementById(source).value;
            if (button.hasAttribute('data-raw')) data = value;
            else {
              try {
                data = JSON.parse(value);
              } catch (e) {
                show('console.error', 'Not JSON: ' + value);
                return;
              }
            }
          }
          show('publish', topic, data);
          bus.publish(topic, data);
        });
      });
      document.querySelectorAll('[data-app]').forEach(function (button) {
        button.addEventListener('click', function () {
          var method = button.getAttribute('data-app');
          var arg = button.getAttribute('data-arg');
          show('chatApp', method + '(' + (arg || '') + ')');
          chatApp[method](arg === null ? undefined : JSON.parse(arg));
        });
      });
      window.parleyDemo = { bus: bus, chatApp: chatApp };
    },
  };
  document.getElementById('clear').addEventListener('click', function () {
    list.textContent = '';
  });
  var agent = document.getElementById('agent-console');
  agent.href = demo.emulatorUrl + '/agent';
  agent.target = '_blank';
})();
