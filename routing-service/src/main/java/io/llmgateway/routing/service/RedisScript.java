package io.llmgateway.routing.service;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Lua script run with EVALSHA (EVAL when the server has not seen it yet). While a call of this
 * event loop is already on its way to Redis, further calls made during the same turn are sent as one
 * pipelined batch when that turn ends: under load several requests are read in one turn, and each
 * script call costs a write and a read syscall on both sides, which the profile showed as the
 * largest single cost of a request. A call on an idle loop goes out at once, so a lone request pays
 * no extra latency.
 */
final class RedisScript {

    private record Call(Request request, String[] keys, Object[] args, Promise<Response> promise) {
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

    Future<Response> run(Redis redis, String[] keys, Object[] args) {
        Request call = request(Command.EVALSHA, sha, keys, args);
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return send(redis, call, keys, args);
        }
        List<Call> calls = pending.get();
        AtomicInteger sent = inFlight.get();
        if (calls.isEmpty() && sent.get() == 0) {
            sent.incrementAndGet();
            return send(redis, call, keys, args).onComplete(ar -> sent.decrementAndGet());
        }
        Promise<Response> promise = Promise.promise();
        calls.add(new Call(call, keys, args, promise));
        if (calls.size() == 1) {
            context.runOnContext(v -> flush(redis));
        }
        return promise.future();
    }

    private void flush(Redis redis) {
        List<Call> calls = pending.get();
        if (calls.isEmpty()) {
            return;
        }
        List<Call> batch = List.copyOf(calls);
        calls.clear();
        AtomicInteger sent = inFlight.get();
        sent.incrementAndGet();
        batch.get(batch.size() - 1).promise().future().onComplete(ar -> sent.decrementAndGet());
        if (batch.size() == 1) {
            Call only = batch.get(0);
            send(redis, only.request(), only.keys(), only.args()).onComplete(only.promise());
            return;
        }
        List<Request> requests = new ArrayList<>(batch.size());
        batch.forEach(c -> requests.add(c.request()));
        redis.batch(requests).onSuccess(responses -> {
            for (int i = 0; i < batch.size(); i++) {
                Call c = batch.get(i);
                Response r = i < responses.size() ? responses.get(i) : null;
                if (r != null && r.type() == ResponseType.ERROR && String.valueOf(r).contains("NOSCRIPT")) {
                    send(redis, c.request(), c.keys(), c.args()).onComplete(c.promise()); // nothing ran: safe to resend
                } else if (r == null || r.type() == ResponseType.ERROR) {
                    c.promise().fail("admission script failed: " + r);
                } else {
                    c.promise().complete(r);
                }
            }
        }).onFailure(e -> {
            if (e.getMessage() != null && e.getMessage().contains("NOSCRIPT")) {
                // a restarted Redis forgot the script: no call of the batch ran, each is resent with EVAL
                batch.forEach(c -> send(redis, c.request(), c.keys(), c.args()).onComplete(c.promise()));
            } else {
                batch.forEach(c -> c.promise().fail(e));
            }
        });
    }

    private Future<Response> send(Redis redis, Request call, String[] keys, Object[] args) {
        return redis.send(call).recover(e -> e.getMessage() != null && e.getMessage().contains("NOSCRIPT")
                ? redis.send(request(Command.EVAL, body, keys, args))
                : Future.failedFuture(e));
    }

    private static Request request(Command cmd, String script, String[] keys, Object[] args) {
        Request r = Request.cmd(cmd).arg(script).arg(keys.length);
        for (String k : keys) {
            r.arg(k);
        }
        for (Object a : args) {
            r.arg(String.valueOf(a));
        }
        return r;
    }
}
