import type { Workspace } from '../workspaces/registry.js';
import { ConsoleFeed } from './feed.js';

/** One feed per workspace, made on its first request (or first console) and kept while it lives. */
export class FeedRegistry {
  private readonly feeds = new WeakMap<Workspace, ConsoleFeed>();

  of(workspace: Workspace): ConsoleFeed {
    let feed = this.feeds.get(workspace);
    if (!feed) {
      feed = new ConsoleFeed(workspace.control.journal, () => workspace.ctx.clock.now());
      this.feeds.set(workspace, feed);
    }
    return feed;
  }
}
