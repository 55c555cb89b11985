import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from './cluster';
import { asAdmin } from './fault-helpers';

/**
 * A streaming replica of a test's own primary cluster: `pg_basebackup -R` of the primary into
 * a temporary folder, started on another free port. It can be stopped, started, paused
 * (`pg_wal_replay_pause()`) and promoted like a real standby.
 */
export class ReplicaCluster extends Cluster {
  /** Backs the primary up (it needs `wal_level` replica or more: the default) and starts. */
  static startFrom(primary: Cluster): Promise<ReplicaCluster> {
    return Cluster.create(
      'replica',
      (dataDir, port) => new ReplicaCluster(dataDir, port),
      async (replica) => {
        await replica.asPostgres('pg_basebackup', [
          '-D',
          join(replica.dataDir, 'data'),
          '-h',
          '127.0.0.1',
          '-p',
          String(primary.port),
          '-U',
          'postgres',
          '-R',
          '-X',
          'stream',
          '--no-sync',
        ]);
        await replica.startServer();
        await replica.waitUntilStreaming(primary);
      },
    );
  }

  /** Waits until the primary lists this standby's WAL receiver as streaming. */
  async waitUntilStreaming(primary: Cluster, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await asAdmin<{ n: number }>(
        primary.url,
        "select count(*)::int as n from pg_stat_replication where state = 'streaming'",
      ).catch(() => [{ n: 0 }]);
      const receiving = await asAdmin<{ n: number }>(
        this.url,
        "select count(*)::int as n from pg_stat_wal_receiver where status = 'streaming'",
      ).catch(() => [{ n: 0 }]);
      if (row!.n > 0 && receiving[0]!.n > 0) return;
      if (Date.now() > deadline) throw new Error('The replica did not start streaming in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A clean, fast stop: connections to it fail until `startServer()`. */
  async stop(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'fast']);
  }

  async pauseReplay(): Promise<void> {
    await asAdmin(this.url, 'select pg_wal_replay_pause()');
  }

  async resumeReplay(): Promise<void> {
    await asAdmin(this.url, 'select pg_wal_replay_resume()');
  }

  /**
   * Freezes the whole server (postmaster and every backend, `SIGSTOP`): sockets stay open and
   * connections are accepted by the kernel, but nothing answers — a hung host.
   */
  freeze(): void {
    for (const pid of [...this.children(), this.postmasterPid()]) process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of [this.postmasterPid(), ...this.children()]) process.kill(pid, 'SIGCONT');
  }

  private postmasterPid(): number {
    return Number(
      readFileSync(join(this.dataDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
  }

  private children(): number[] {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(this.postmasterPid())], {
      encoding: 'utf8',
    });
    return out
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  }

  /** Ends recovery: the standby becomes a primary of its own (no longer a replica). */
  async promote(): Promise<void> {
    await this.pgCtl('promote', []);
  }
}
