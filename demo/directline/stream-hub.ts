// The open WebSocket streams: one per conversation, as the real service allows ("Direct Line may
// close additional WebSocket connections with a reason value of collision"). Here the newest one
// wins and the one it replaces is closed with reason "collision", so a client that reconnects
// before the service noticed its old socket die is not locked out. The control API drops streams
// (no close frame, as a network failure would) and can refuse new ones (a proxy without WebSockets).
import type { WebSocket } from 'ws';

export const COLLISION = 'collision';

export class StreamHub {
  private readonly sockets = new Map<string, WebSocket>();
  /** False: upgrades are refused with 503, as behind a proxy that blocks WebSockets. */
  enabled = true;

  /** Makes this socket the conversation's stream, closing the one before it. */
  claim(conversationId: string, socket: WebSocket): void {
    const before = this.sockets.get(conversationId);
    this.sockets.set(conversationId, socket);
    if (before && before !== socket) before.close(1000, COLLISION);
  }

  release(conversationId: string, socket: WebSocket): void {
    if (this.sockets.get(conversationId) === socket) this.sockets.delete(conversationId);
  }

  /** Cuts streams without a close frame (all of them, or one conversation's); returns how many. */
  drop(conversationId?: string): number {
    let dropped = 0;
    for (const [id, socket] of [...this.sockets]) {
      if (conversationId !== undefined && id !== conversationId) continue;
      this.sockets.delete(id);
      socket.terminate();
      dropped++;
    }
    return dropped;
  }

  /** A forgotten conversation's stream ends with it. */
  close(conversationId: string): void {
    const socket = this.sockets.get(conversationId);
    this.sockets.delete(conversationId);
    socket?.close(1000, 'conversation ended');
  }

  get size(): number {
    return this.sockets.size;
  }

  closeAll(): void {
    for (const socket of this.sockets.values()) socket.close(1001, 'shutting down');
    this.sockets.clear();
  }
}
