import { Form } from './Form';
import { useT, useWidget } from './context';

export function Invitation() {
  const widget = useWidget();
  const t = useT();
  const invitation = widget.script.value?.invitation;
  const replies = widget.invitationReplies.value ?? invitation?.quickReplies ?? [];
  return (
    <div class="invitation intro">
      <p class="invitation-text">{invitation?.text}</p>
      {replies.length > 0 && (
        <div class="quick-replies">
          {replies.map((reply) => (
            <button type="button" key={reply} onClick={() => void widget.acceptInvitation(reply)}>
              {reply}
            </button>
          ))}
        </div>
      )}
      <div class="actions">
        <button type="button" class="primary" onClick={() => void widget.acceptInvitation()}>
          {t('invitationAccept')}
        </button>
        <button type="button" onClick={() => void widget.dismissInvitation()}>
          {t('invitationDecline')}
        </button>
      </div>
    </div>
  );
}

export function PreChat() {
  const widget = useWidget();
  const t = useT();
  const fields = widget.script.value?.preChat?.fields ?? [];
  const languageField = fields.find((f) => f.type === 'language');
  // The page's language (chat:set-language) is the question's default; it beats the browser's.
  const defaults = languageField ? { [languageField.id]: widget.customer.language.value } : {};
  return <Form id="parley-prechat" fields={fields} defaults={defaults} submitLabel={t('startChatButton')} onSubmit={(values) => widget.submitPreChat(values)} />;
}

export function OfflineForm() {
  const widget = useWidget();
  const t = useT();
  if (widget.offlineSent.value) {
    return (
      <div class="intro offline-done">
        <p role="status">{t('offlineThanks')}</p>
        <button type="button" class="primary" onClick={() => void widget.close('user')}>
          {t('closeChatButton')}
        </button>
      </div>
    );
  }
  return (
    <div class="offline">
      <p class="intro">{t('offlineIntro')}</p>
      <Form id="parley-offline" fields={widget.script.value?.offlineForm?.fields ?? []} submitLabel={t('offlineSendButton')} onSubmit={(values) => widget.submitOffline(values)} />
    </div>
  );
}
