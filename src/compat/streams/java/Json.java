import java.util.Map;

/** One JSON object per stdout line, the way the Node side of the compat row reads this app's output. */
final class Json {
  private Json() {}

  static String str(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Prints {"k": v, ...}; values are Strings (quoted), Numbers and Booleans (as they are). */
  static synchronized void line(Map<String, ?> fields) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      if (b.length() > 1) b.append(',');
      b.append(str(e.getKey())).append(':');
      Object v = e.getValue();
      b.append(v instanceof Number || v instanceof Boolean ? String.valueOf(v) : str(v == null ? null : String.valueOf(v)));
    }
    System.out.println(b.append('}'));
    System.out.flush();
  }
}
