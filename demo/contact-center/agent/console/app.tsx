// Names and texts that come from customers, bots and agents are each isolated in a <bdi>: one holding
// right-to-left override characters must not reverse what is shown around it.
import { useState } from 'preact/hooks';
import type { Entry, InteractionView } from './api';
import { AttachButton } from './files';
import type { ConsoleModel } from './model';
import { Rich } from './rich';

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function App({ model }: { model: ConsoleModel }) {
  if (!model.agentName.value) return <SignIn model={model} />;
  return (
    <div class="layout">
      <header class="top">
        <h1>Agent console</h1>
        <span class="who">
          Signed in as <strong>{model.agentName.value}</strong> ({model.agentId.value})
          <button type="button" class="link" onClick={() => model.signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <InteractionList model={model} />
      <main class="detail">
        {model.error.value && (
          <p class="error" role="alert">
            {model.error.value}
          </p>
        )}
        {model.selected.value ? <Detail model={model} interaction={model.selected.value} /> : <p class="hint">Select an interaction.</p>}
      </main>
    </div>
  );
}

function SignIn({ model }: { model: ConsoleModel }) {
  const [name, setName] = useState('');
  return (
    <main class="sign-in">
      <h1>Agent console</h1>
      <p>The emulated contact center's agent desk: take chats from the widget and conversations handed over by bots.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          model.signIn(name);
        }}
      >
        <label for="agent-name">Your name</label>
        <input id="agent-name" name="agent-name" value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="name" required />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function InteractionList({ model }: { model: ConsoleModel }) {
  const groups: [string, InteractionView[]][] = [
    ['Queued', model.interactions.value.filter((i) => i.state === 'queued')],
    ['Active', model.interactions.value.filter((i) => i.state === 'active')],
    ['Ended', model.interactions.value.filter((i) => i.state === 'ended').slice(0, 20)],
  ];
  return (
    <nav class="list" aria-label="Interactions">
      {groups.map(([title, items]) => (
        <section key={title}>
          <h2>
            {title} <span class="count">{items.length}</span>
          </h2>
          {items.length === 0 && <p class="empty">None</p>}
          <ul>
            {items.map((i) => (
              <li key={i.id}>
                <button
                  type="button"
                  class={`item ${model.selectedId.value === i.id ? 'selected' : ''}`}
                  aria-current={model.selectedId.value === i.id}
                  data-interaction-id={i.id}
                  onClick={() => model.select(i.id)}
                >
                  <span class="name">
                    <bdi>{i.customer.name}</bdi>
                  </span>
                  <span class={`badge ${i.source}`}>{i.source === 'chat-gateway' ? 'bot handover' : 'web chat'}</span>
                  <span class="meta">
                    {i.queueName}
                    {i.position ? ` · #${i.position}` : ''}
                    {i.agentName ? (
                      <>
                        {' · '}
                        <bdi>{i.agentName}</bdi>
                      </>
                    ) : (
                      ''
                    )}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}

function Detail({ model, interaction }: { model: ConsoleModel; interaction: InteractionView }) {
  const mine = interaction.agentId === model.agentId.value;
  const otherQueues = model.queues.value.filter((q) => q.id !== interaction.queueId);
  const info = Object.entries(interaction.customer).concat(Object.entries(interaction.userData).map(([k, v]) => [k, String(v)]));
  return (
    <article class="interaction" aria-label={`Interaction with ${interaction.customer.name}`}>
      <header>
        <h2>{interaction.customer.name}</h2>
        <p class="meta">
          {interaction.source === 'chat-gateway' ? 'Handed over by a bot (Chat Gateway)' : 'Web chat (Customer Chat API)'} · {interaction.queueName} ·{' '}
          <span class={`state ${interaction.state}`}>{interaction.state}</span>
          {interaction.endedReason ? ` (${interaction.endedReason})` : ''}
        </p>
        <div class="actions">
          {interaction.state === 'queued' && (
            <button type="button" onClick={() => void model.accept(interaction.id)}>
              Accept
            </button>
          )}
          {interaction.state === 'active' && mine && (
            <>
              {otherQueues.map((q) => (
                <button type="button" key={q.id} class="secondary" onClick={() => void model.transfer(interaction.id, q.id)}>
                  Transfer to {q.name}
                </button>
              ))}
              <button type="button" class="danger" onClick={() => void model.leave(interaction.id)}>
                Leave
              </button>
            </>
          )}
        </div>
      </header>
      <section class="info">
        <h3>Customer information</h3>
        {info.length === 0 ? (
          <p class="empty">None given</p>
        ) : (
          <table>
            <tbody>
              {info.map(([key, value]) => (
                <tr key={key}>
                  <th scope="row">{key}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {interaction.history.length > 0 && (
        <section class="history">
          <h3>Bot conversation before the handover</h3>
          <ol>
            {interaction.history.map((m, n) => (
              <li key={n} class={m.authorType}>
                <span class="author">
                  <bdi>{m.authorType === 'bot' ? 'Bot' : interaction.customer.name}</bdi>
                </span>{' '}
                <bdi>{m.text}</bdi>
                <Rich entry={m} />
              </li>
            ))}
          </ol>
        </section>
      )}
      <section class="transcript">
        <h3>Conversation</h3>
        <Transcript entries={model.transcript.value} />
        {interaction.customerTyping && (
          <p class="typing">
            <bdi>{interaction.customer.name}</bdi> is typing…
          </p>
        )}
      </section>
      {interaction.state === 'active' && mine && <Composer model={model} id={interaction.id} />}
    </article>
  );
}

function Transcript({ entries }: { entries: Entry[] }) {
  const shown = entries.filter((e) => e.type !== 'TypingStarted' && e.type !== 'TypingStopped');
  return (
    <ol class="messages" aria-live="polite">
      {shown.map((e) => (
        <li key={e.index} class={`entry ${e.type} ${e.from.type}`}>
          <time>{time(e.utcTime)}</time>{' '}
          {e.type === 'Text' && (
            <>
              <span class="author">
                <bdi>{e.from.nickname}</bdi>
              </span>{' '}
              <bdi>{e.text}</bdi>
              <Rich entry={e} />
            </>
          )}
          {e.type === 'ParticipantJoined' && (
            <em>
              <bdi>{e.from.nickname}</bdi> joined
            </em>
          )}
          {e.type === 'ParticipantLeft' && (
            <em>
              <bdi>{e.from.nickname}</bdi> left
            </em>
          )}
          {e.type === 'Notice' && (
            <em>
              <bdi>{e.text}</bdi>
            </em>
          )}
        </li>
      ))}
    </ol>
  );
}

function Composer({ model, id }: { model: ConsoleModel; id: string }) {
  const [text, setText] = useState('');
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) return;
        void model.send(id, text);
        setText('');
      }}
    >
      <label for="reply" class="visually-hidden">
        Reply
      </label>
      <input
        id="reply"
        value={text}
        placeholder="Type a reply"
        autoComplete="off"
        onInput={(e) => {
          setText(e.currentTarget.value);
          model.typed(id);
        }}
      />
      <button type="submit">Send</button>
      <AttachButton model={model} id={id} />
    </form>
  );
}
