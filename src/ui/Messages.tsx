import { useEffect, useRef, useState } from 'preact/hooks';
import { agentOfLines, type Item, type Outgoing } from '../core';
import { Attachments } from './Attachments';
import { useT, useWidget } from './context';
import { useCardsModule } from './lazy-cards';
import { Named } from './Named';
import { PendingFiles } from './PendingFiles';
import { Text } from './Text';

type Message = Extract<Item, { kind: 'message' }>;

/** A message's words, files and cards; with cards or files the author's own words (`body`) replace the server's summary. */
function Content({ item, ended }: { item: Message; ended: boolean }) {
  const widget = useWidget();
  const cards = useCardsModule(!!item.cards?.length);
  const rich = !!(item.cards?.length || item.attachments?.length);
  // Until the cards chunk is here (or if it cannot load), the summary stands in for the cards.
  const words = rich && (cards || !item.cards?.length) ? (item.body ?? '') : item.text;
  return (
    <>
      {words && (
        <p class="message-content">
          <Text text={words} />
        </p>
      )}
      {item.attachments?.length ? <Attachments files={item.attachments} /> : null}
      {cards && item.cards?.length ? (
        <cards.Cards cards={item.cards} layout={item.layout} disabled={!!item.replied || ended} onReply={(text, value) => void widget.reply(item.index, text, value)} />
      ) : null}
    </>
  );
}

const time = (at: number, language: string) => {
  try {
    return new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit' }).format(at);
  } catch {
    return '';
  }
};

function SystemLine({ item, agent }: { item: Extract<Item, { kind: 'system' }>; agent: string | undefined }) {
  const t = useT();
  const error = item.key.startsWith('error');
  return (
    <li class={error ? 'chat-error-msg' : 'chat-info-msg'}>{item.key === 'notice' ? (item.text ?? '') : <Named text={(name) => t(item.key, { agent: name })} name={agent} />}</li>
  );
}

/** The conversation: a log region that grows, with the customer's unconfirmed messages at the end. */
export function Messages() {
  const widget = useWidget();
  const t = useT();
  const { transcript, outbox, chat } = widget.state.value;
  const language = widget.language.value;
  const list = useRef<HTMLDivElement>(null);
  const [stuck, setStuck] = useState(true);
  const count = transcript.length + outbox.length;
  // How many lines there were when the customer scrolled up: more than that means news below.
  const seenCount = useRef(count);

  useEffect(() => {
    const el = list.current;
    if (el && stuck) {
      el.scrollTop = el.scrollHeight;
      seenCount.current = count;
    }
  }, [count, stuck]);

  // Content that grows after it showed (the cards chunk arriving, a picture loading) keeps the
  // newest line in view while the customer is at the bottom.
  const stuckNow = useRef(stuck);
  stuckNow.current = stuck;
  useEffect(() => {
    const el = list.current;
    const content = el?.firstElementChild;
    if (!el || !content || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (stuckNow.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = list.current;
    if (el) setStuck(el.scrollHeight - el.scrollTop - el.clientHeight < 40);
  };
  const agents = agentOfLines(transcript);
  const last = transcript.at(-1);
  const replies = chat?.status !== 'ended' && last?.kind === 'message' && last.from !== 'customer' ? last.quickReplies : undefined;

  return (
    <div class="message-history-wrapper">
      <div class="message-history" role="log" aria-label={t('chatLogTitle')} ref={list} onScroll={onScroll} tabIndex={0}>
        <ol class="messages">
          {transcript.map((item, i) =>
            item.kind === 'system' ? (
              <SystemLine key={`s${i}`} item={item} agent={agents[i]} />
            ) : (
              <li key={`m${item.index}`} class={`message-wrapper ${item.from === 'customer' ? 'outgoing' : 'incoming'}${item.cards?.length ? ' has-cards' : ''}`}>
                <div class={item.from === 'customer' ? 'chat-outgoing-msg' : 'chat-incoming-msg'}>
                  <span class="author">
                    <bdi>{item.from === 'customer' ? t('youLabel') : item.name || t('agent')}</bdi>
                  </span>
                  <Content item={item} ended={chat?.status === 'ended'} />
                  <time class="timestamp" dateTime={new Date(item.at).toISOString()}>
                    {time(item.at, language)}
                  </time>
                </div>
              </li>
            ),
          )}
          {outbox.map((o: Outgoing) => (
            <li key={o.id} class={`message-wrapper outgoing pending status-${o.status}`}>
              <div class="chat-outgoing-msg">
                <span class="author">{t('youLabel')}</span>
                {o.text && (
                  <p class="message-content">
                    <Text text={o.text} />
                  </p>
                )}
                {o.files?.length ? <PendingFiles message={o} /> : null}
                <span class="delivery">
                  {t(o.status === 'sending' ? 'statusSending' : o.status === 'sent' ? 'statusSent' : o.status === 'retrying' ? 'statusRetrying' : 'statusFailed')}
                </span>
              </div>
            </li>
          ))}
        </ol>
      </div>
      {!stuck && count > seenCount.current && (
        <button type="button" class="jump" onClick={() => setStuck(true)}>
          {t('newMessages')} ↓
        </button>
      )}
      {replies && (
        <div class="quick-replies">
          {replies.map((reply) => (
            <button type="button" key={reply.payload + reply.title} onClick={() => void widget.send(reply.payload || reply.title)}>
              {reply.title}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
