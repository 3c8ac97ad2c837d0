import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;

/**
 * What every command of the driver shares: its arguments (the flat JSON object of the command
 * line), its output (one JSON object per stdout line, printed whole even from the producer's I/O
 * thread), diagnostics on stderr, and how an exception is named (Kafka's error code name).
 */
final class Io {
  private Io() {}

  /** One JSON line on stdout, flushed at once (a streaming reader may be waiting for it). */
  static synchronized void out(Object... kv) {
    System.out.println(Json.write(obj(kv)));
    System.out.flush();
  }

  /** A prepared line. */
  static synchronized void line(Map<String, Object> m) {
    System.out.println(Json.write(m));
    System.out.flush();
  }

  /** An ordered map from alternating keys and values. */
  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int k = 0; k + 1 < kv.length; k += 2) m.put((String) kv[k], kv[k + 1]);
    return m;
  }

  static void err(String msg) {
    System.err.println("[java_client] " + msg);
    System.err.flush();
  }

  static String dec(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static byte[] enc(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** The exception a future failed with, or the exception itself. */
  static Throwable cause(Throwable e) {
    while ((e instanceof ExecutionException || e.getClass() == org.apache.kafka.common.KafkaException.class) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Kafka's error name for an exception (MESSAGE_TOO_LARGE, PRODUCER_FENCED ...), UNKNOWN_SERVER_ERROR if none. */
  static String code(Throwable e) {
    return Errors.forException(cause(e)).name();
  }

  /** {error, code, class, retriable} of an exception, for the error lines. */
  static Object[] errorFields(Throwable e) {
    Throwable c = cause(e);
    return new Object[] {"error", c.getClass().getSimpleName() + ": " + c.getMessage(), "code", code(c), "class", c.getClass().getSimpleName(),
        "retriable", c instanceof RetriableException};
  }

  static Object[] concat(Object[] a, Object... b) {
    Object[] r = new Object[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** The command's arguments. */
  static final class Args {
    private final Map<String, Object> m;

    @SuppressWarnings("unchecked")
    Args(String json) {
      this.m = (Map<String, Object>) Json.parse(json);
    }

    boolean has(String k) {
      return m.get(k) != null;
    }

    String str(String k) {
      Object v = m.get(k);
      if (v == null) throw new IllegalArgumentException("missing argument " + k);
      return v instanceof Long ? String.valueOf(v) : v.toString();
    }

    String str(String k, String dflt) {
      return has(k) ? str(k) : dflt;
    }

    long lng(String k) {
      Object v = m.get(k);
      if (v instanceof Number) return ((Number) v).longValue();
      return Long.parseLong(str(k));
    }

    long lng(String k, long dflt) {
      return has(k) ? lng(k) : dflt;
    }

    int integer(String k, int dflt) {
      return (int) lng(k, dflt);
    }

    double dbl(String k, double dflt) {
      Object v = m.get(k);
      return v instanceof Number ? ((Number) v).doubleValue() : dflt;
    }

    boolean bool(String k) {
      return Boolean.TRUE.equals(m.get(k));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String k) {
      Object v = m.get(k);
      return v == null ? new LinkedHashMap<>() : (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String k) {
      Object v = m.get(k);
      return v == null ? new ArrayList<>() : (List<Object>) v;
    }

    String bootstrap() {
      return str("bootstrap");
    }

    /** The command's own time budget in ms (timeout_s, else dflt seconds). */
    long budgetMs(double dfltS) {
      return (long) (dbl("timeout_s", dfltS) * 1000);
    }
  }
}
