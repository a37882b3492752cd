// A page object for the embedded widget: what a customer sees and does, found by role and label.
import type { Locator, Page } from 'playwright-core';

export class WidgetPage {
  constructor(readonly page: Page) {}

  get host(): Locator {
    return this.page.locator('parley-chat');
  }
  get launcher(): Locator {
    return this.page.locator('parley-chat .launcher');
  }
  get window(): Locator {
    return this.page.locator('parley-chat section.container');
  }
  get log(): Locator {
    return this.page.getByRole('log');
  }
  get messageField(): Locator {
    return this.page.locator('parley-chat #message-field');
  }

  /** Texts of the messages and system lines, in order. */
  async lines(): Promise<string[]> {
    return this.page.locator('parley-chat .message-history li').evaluateAll((items) =>
      items.map((li) => {
        const content = li.querySelector('.message-content');
        const status = li.querySelector('.delivery');
        return content ? `${li.querySelector('.author')?.textContent}: ${content.textContent}${status ? ` [${status.textContent}]` : ''}` : (li.textContent ?? '');
      }),
    );
  }

  async send(text: string): Promise<void> {
    await this.messageField.fill(text);
    await this.messageField.press('Enter');
  }

  /** Publishes on the bus the page got in onInit. */
  publish(topic: string, data?: unknown): Promise<void> {
    return this.page.evaluate(([t, d]) => (window as any).bus.publish(t, d), [topic, data] as const);
  }

  /** Starts recording the widget's events on the page. */
  recordEvents(topics: string[]): Promise<void> {
    return this.page.evaluate((list) => {
      (window as any).events = [];
      for (const topic of list) (window as any).bus.subscribe(topic, (data: unknown) => (window as any).events.push({ topic, data }));
    }, topics);
  }

  events(): Promise<{ topic: string; data: any }[]> {
    return this.page.evaluate(() => (window as any).events);
  }
}
