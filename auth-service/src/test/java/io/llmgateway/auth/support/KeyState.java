package io.llmgateway.auth.support;

import java.time.Instant;
import io.llmgateway.auth.service.KeyService;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Redis holds of keys and accounts: the reservations routing makes before a request (the pending
 * counters settlement releases) and the key events auth publishes.
 */
@Singleton
public class KeyState {

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    ObjectMapper mapper;

    /** Reserves {@code micros} on the account and the key, as routing's admission does. */
    public void reserve(Api.Account account, Api.Key key, long micros) {
        redis.value(Long.class).set(keys.accountPending(account.id()), micros);
        redis.value(Long.class).set(keys.keyPending(account.id(), key.hash()), micros);
    }

    public Long accountPending(String accountId) {
        return redis.value(Long.class).get(keys.accountPending(accountId));
    }

    public Long keyPending(Api.Account account, Api.Key key) {
        return redis.value(Long.class).get(keys.keyPending(account.id(), key.hash()));
    }

    /** The Redis key of the free models' daily request counter of a key on the day of {@code at}. */
    public String freeDailyCounter(Api.Account account, Api.Key key, Instant at) {
        return KeyService.freeDailyCounterKey(keys, account.id(), key.hash(), at);
    }

    /** Sets a counter as routing's admission would have left it. */
    public void set(String counter, long value) {
        redis.value(Long.class).set(counter, value);
    }

    public void delete(String counter) {
        redis.key().del(counter);
    }

    /** The id of the newest key event, "0-0" when there is none: a mark to read the events after. */
    public String lastEventId() {
        List<StreamMessage<String, String, String>> last = redis.stream(String.class, String.class, String.class)
                .xrevrange(keys.keyEventsStream(), StreamRange.of("+", "-"), 1);
        return last.isEmpty() ? "0-0" : last.get(0).id();
    }

    /** Every key event, checking each was published with a traceparent field. */
    public List<KeyEvent> events() {
        return eventsAfter(null, "0-0").stream().map(Map.Entry::getKey).toList();
    }

    /**
     * The key events after stream id {@code after} about an account (all when null), each with the
     * traceparent it was published with.
     */
    public List<Map.Entry<KeyEvent, String>> eventsAfter(String accountId, String after) {
        List<Map.Entry<KeyEvent, String>> out = new ArrayList<>();
        for (StreamMessage<String, String, String> m : redis.stream(String.class, String.class, String.class)
                .xrange(keys.keyEventsStream(), StreamRange.of("(" + after, "+"))) {
            String traceparent = m.payload().get(RedisKeys.TRACEPARENT_FIELD);
            if (traceparent == null) {
                throw new AssertionError("every key event has a traceparent field: " + m.payload());
            }
            try {
                KeyEvent event = mapper.readValue(m.payload().get(RedisKeys.DATA_FIELD), KeyEvent.class);
                if (accountId == null || accountId.equals(event.accountId())) {
                    out.add(Map.entry(event, traceparent));
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }
}
