package io.llmgateway.routing.usage;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The usage events this process has answered for but Redis has not acknowledged yet, on disk. Routing answers
 * first and sends the event right after (a response never waits for Redis); a process killed in between
 * (kill -9, the OOM killer) lost that event, and the answer went unbilled (issue 23, part 2). Each event is now
 * appended here before the answer's last byte is written, and its segment file is deleted once every event in it
 * reached Redis (or the spill file). A new process hands the segments a dead one left behind to the spill file,
 * whose replay sends them; auth and metering key on the generation id, so an event that did reach Redis before
 * the crash is not counted twice.
 *
 * <p>The append is a write(2) into the page cache on the request's event loop, a few microseconds, and never an
 * fsync: what it protects against is the process dying, not the machine (the page cache survives the first, a
 * Redis round trip per answer would be the price of the second). A line is {@code account TAB traceparent TAB
 * json NEWLINE}; the event's JSON has no raw tab or newline (JSON escapes both).
 */
final class UsageJournal {

    private static final Logger LOG = Logger.getLogger(UsageJournal.class);
    private static final byte[] NEWLINE = {'\n'};
    /** After a failed write, how long the journal is skipped before it is tried again (not once per answer). */
    private static final long RETRY_NANOS = 5_000_000_000L;

    /** One journal file: deleted when it is full (sealed) and every event written to it has been released. */
    static final class Segment {
        private final Path path;
        private final FileChannel channel;
        private final AtomicInteger outstanding = new AtomicInteger();
        private final AtomicBoolean deleted = new AtomicBoolean();
        private volatile boolean sealed;
        private long bytes;

        private Segment(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }
    }

    private final boolean enabled;
    private final Path dir;
    private final String prefix;
    private final long segmentBytes;
    private final Consumer<Runnable> fileWork;
    private Segment current;
    private long sequence;
    private boolean failing;
    private long retryAt;

    /**
     * {@code name} tells the journals of different usage streams apart in a shared directory; {@code fileWork}
     * runs a segment's deletion off the event loop. A journal not {@code enabled} writes nothing and recovers all
     * the same (what a process with the journal on left behind).
     */
    UsageJournal(boolean enabled, Path dir, String name, long segmentBytes, Consumer<Runnable> fileWork) {
        this.enabled = enabled;
        this.dir = dir;
        this.prefix = "journal-" + name + "-";
        this.segmentBytes = segmentBytes;
        this.fileWork = fileWork;
    }

    /**
     * Writes one event; the answer is the segment to {@link #release} once the event is safe elsewhere, or null
     * when the journal could not be written (logged: the request is answered all the same).
     */
    synchronized Segment append(Buffer json, String traceparent, String account) {
        if (!enabled || failing && System.nanoTime() - retryAt < 0) {
            return null;
        }
        try {
            if (current == null || current.bytes >= segmentBytes) {
                rotate();
            }
            ByteBuffer head = ByteBuffer.wrap((account + '\t' + traceparent + '\t').getBytes(StandardCharsets.UTF_8));
            ByteBuffer[] line = {head, json.getByteBuf().nioBuffer(), ByteBuffer.wrap(NEWLINE)};
            long want = head.remaining() + line[1].remaining() + 1L;
            long written = 0;
            while (written < want) {
                written += current.channel.write(line);
            }
            current.bytes += written;
            current.outstanding.incrementAndGet();
            failing = false;
            return current;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.errorf("usage journal in %s not writable (%s): answers are billed, but a crash before their "
                        + "events reach Redis would lose them", dir, e.getMessage());
            }
            failing = true;
            retryAt = System.nanoTime() + RETRY_NANOS;
            if (current != null) {
                seal(current); // deleted once the events it does hold are sent
                current = null;
            }
            return null;
        }
    }

    /** The event written to {@code segment} is in Redis or in the spill file now. */
    void release(Segment segment) {
        if (segment != null && segment.outstanding.decrementAndGet() == 0 && segment.sealed) {
            delete(segment);
        }
    }

    /** A clean stop: every event has been sent or spilled, so the last segment goes too. */
    synchronized void close() {
        if (current != null) {
            seal(current);
            current = null;
        }
    }

    /**
     * The complete lines of the segments a dead process left behind, each given to {@code recovered} before its
     * file is deleted. Run at start-up, before this process writes its first segment: a segment named with this
     * process's own pid then belongs to an earlier process (a restarted container reuses pid 1).
     */
    void recover(Consumer<List<UsagePublisher.Spilled>> recovered) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*.log")) {
            for (Path file : files) {
                long pid = pidOf(file);
                if (pid != self && pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // another replica's live journal
                }
                List<UsagePublisher.Spilled> lines = lines(file);
                if (!lines.isEmpty()) {
                    recovered.accept(lines);
                    LOG.infof("recovered %d usage events a stopped process had not sent yet (%s)", lines.size(),
                            file.getFileName());
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.errorf("usage journal recovery in %s failed: %s", dir, e.getMessage());
        }
    }

    private void rotate() throws IOException {
        if (current != null) {
            seal(current);
        }
        Files.createDirectories(dir);
        Path path = dir.resolve(prefix + ProcessHandle.current().pid() + "-" + (sequence++) + ".log");
        current = new Segment(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    private void seal(Segment segment) {
        segment.sealed = true;
        if (segment.outstanding.get() == 0) {
            delete(segment);
        }
    }

    private void delete(Segment segment) {
        if (!segment.deleted.compareAndSet(false, true)) {
            return;
        }
        fileWork.accept(() -> {
            try {
                segment.channel.close();
                Files.deleteIfExists(segment.path);
            } catch (IOException e) {
                LOG.warnf("could not delete usage journal segment %s: %s", segment.path, e.getMessage());
            }
        });
    }

    /** {@code journal-<name>-<pid>-<n>.log} -> pid, or -1. */
    private long pidOf(Path file) {
        String rest = file.getFileName().toString().substring(prefix.length());
        int dash = rest.indexOf('-');
        try {
            return dash < 0 ? -1 : Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Complete lines only: a line cut short by the crash belongs to an answer that was never finished. */
    private static List<UsagePublisher.Spilled> lines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<UsagePublisher.Spilled> out = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = text.indexOf('\n', start)) >= 0) {
            String[] parts = text.substring(start, end).split("\t", 3);
            if (parts.length == 3 && !parts[2].isBlank()) {
                out.add(new UsagePublisher.Spilled(parts[2], parts[1], parts[0]));
            }
            start = end + 1;
        }
        return out;
    }
}
