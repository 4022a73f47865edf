package io.llmgateway.routing.admission;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Lua script that handles a list of items in one run, called with EVALSHA (EVAL when the server has
 * not seen it yet). Its contract: {@code KEYS}, then {@code ARGV} = the shared arguments, the item
 * count, and each item's arguments in turn (all items of one width); it returns one reply per item.
 *
 * <p>A call on an idle event loop goes out at once as a list of one, so a lone request pays no extra
 * latency. While a call of this loop is on its way to Redis, further calls made during the same turn
 * wait for the turn's end; then calls with the same keys and shared arguments run as ONE script call,
 * each group sent on its own (a pipelined batch would fail as a whole on one group's error). Each script call costs Redis far more than the arithmetic of
 * one more item (about a microsecond per {@code redis.call} inside it), and Redis is shared by every
 * replica: under load a busy key's admissions cost Redis little more than one.
 */
final class RedisScript {

    private record Call(String[] keys, Object[] shared, Object[] item, Promise<Response> promise) {
    }

    private final String body;
    private final String sha;
    private final ThreadLocal<List<Call>> pending = ThreadLocal.withInitial(ArrayList::new);
    /** Sends of this event loop not answered yet (atomic: the answer may complete on another thread). */
    private final ThreadLocal<AtomicInteger> inFlight = ThreadLocal.withInitial(AtomicInteger::new);

    RedisScript(String body) {
        this.body = body;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            this.sha = HexFormat.of().formatHex(md.digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the script for one item; completes with that item's reply. */
    Future<Response> run(Redis redis, String[] keys, Object[] shared, Object[] item) {
        Call call = new Call(keys, shared, item, Promise.promise());
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            send(redis, List.of(call));
            return call.promise().future();
        }
        List<Call> calls = pending.get();
        AtomicInteger sent = inFlight.get();
        if (calls.isEmpty() && sent.get() == 0) {
            sent.incrementAndGet();
            call.promise().future().onComplete(ar -> sent.decrementAndGet());
            send(redis, List.of(call));
            return call.promise().future();
        }
        calls.add(call);
        if (calls.size() == 1) {
            context.runOnContext(v -> flush(redis));
        }
        return call.promise().future();
    }

    private void flush(Redis redis) {
        List<Call> calls = pending.get();
        if (calls.isEmpty()) {
            return;
        }
        List<List<Call>> groups = new ArrayList<>();
        Map<String, List<Call>> byFirstKey = new HashMap<>();
        for (Call c : calls) {
            List<Call> group = byFirstKey.get(c.keys()[0]);
            if (group == null || !Arrays.equals(group.get(0).keys(), c.keys())
                    || !Arrays.equals(group.get(0).shared(), c.shared())) {
                group = new ArrayList<>();
                groups.add(group);
                byFirstKey.put(c.keys()[0], group);
            }
            group.add(c);
        }
        calls.clear();
        AtomicInteger sent = inFlight.get();
        sent.incrementAndGet();
        AtomicInteger open = new AtomicInteger(groups.size());
        for (List<Call> group : groups) {
            group.get(group.size() - 1).promise().future().onComplete(ar -> {
                if (open.decrementAndGet() == 0) {
                    sent.decrementAndGet();
                }
            });
        }
        // one send per group, not redis.batch: a batch fails as a whole on the first error reply,
        // which would fail (or, on NOSCRIPT, resend) groups whose script already ran
        groups.forEach(group -> send(redis, group));
    }

    private void send(Redis redis, List<Call> group) {
        redis.send(request(Command.EVALSHA, sha, group))
                .recover(e -> e.getMessage() != null && e.getMessage().contains("NOSCRIPT")
                        ? redis.send(request(Command.EVAL, body, group))
                        : Future.failedFuture(e))
                .onSuccess(r -> answer(group, r))
                .onFailure(e -> fail(group, e));
    }

    private static void answer(List<Call> group, Response replies) {
        for (int i = 0; i < group.size(); i++) {
            if (i < replies.size()) {
                group.get(i).promise().complete(replies.get(i));
            } else {
                group.get(i).promise().fail("script answered " + replies.size() + " of " + group.size() + " items");
            }
        }
    }

    private static void fail(List<Call> group, Throwable e) {
        group.forEach(c -> c.promise().fail(e));
    }

    private static Request request(Command cmd, String script, List<Call> group) {
        Call first = group.get(0);
        Request r = Request.cmd(cmd).arg(script).arg(first.keys().length);
        for (String k : first.keys()) {
            r.arg(k);
        }
        for (Object a : first.shared()) {
            r.arg(String.valueOf(a));
        }
        r.arg(group.size());
        for (Call c : group) {
            for (Object a : c.item()) {
                r.arg(String.valueOf(a));
            }
        }
        return r;
    }
}
