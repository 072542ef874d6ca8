package org.pretrain4j.weights;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the pickle of a PyTorch state dict without running anything from it. Python's pickle is a
 * small stack machine whose GLOBAL and REDUCE opcodes import and call any function, which is how a
 * malicious checkpoint runs code; this reader knows only the data opcodes and the few callables a
 * state dict uses ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter}, the {@code torch.*Storage} classes as persistent ids), which
 * it interprets itself. Any other global, any other callable and every opcode that builds arbitrary
 * objects (INST, OBJ, NEWOBJ, EXT*, BUILD on anything but a dict) is refused by name.
 */
final class RestrictedUnpickler {
    /** A Python global as named by GLOBAL or STACK_GLOBAL: only the allowed ones are ever created. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A Python tuple. */
    record Tuple(Object[] items) {
        int size() {
            return items.length;
        }

        Object get(int i) {
            return items[i];
        }
    }

    /** A storage named by a persistent id: the archive entry {@code data/<key>} holding {@code elements} values. */
    record StorageRef(String key, StoredType type, long elements) {}

    /** A strided view of a storage, as {@code _rebuild_tensor_v2} describes it (all in elements). */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    static final String ALLOWED = "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter "
            + "and the torch.*Storage classes";
    private static final Map<String, StoredType> STORAGES = Map.of(
            "FloatStorage", StoredType.F32,
            "HalfStorage", StoredType.F16,
            "BFloat16Storage", StoredType.BF16,
            "LongStorage", StoredType.I64);
    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };
    private static final Map<Integer, String> OPCODE_NAMES = opcodeNames();

    private final Path file;
    private final String entry;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(Path file, String entry, byte[] pickle) {
        this.file = file;
        this.entry = entry;
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Unpickles {@code pickle} (the archive entry {@code entry} of {@code file}, for messages). */
    static Object load(Path file, String entry, byte[] pickle) {
        return new RestrictedUnpickler(file, entry, pickle).run();
    }

    private WeightFormatException error(int at, String problem) {
        return new WeightFormatException(file, entry + " byte " + at + ": " + problem);
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw error(in.position(), "the pickle ends without STOP (truncated)");
            }
            int at = in.position();
            int op = in.get() & 0xFF;
            try {
                if (op == '.') {
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw error(at, "STOP with " + stack.size() + " values on the stack");
                    }
                    return stack.get(0);
                }
                step(at, op);
            } catch (java.nio.BufferUnderflowException e) {
                throw error(at, "the pickle ends inside " + opcodeName(op) + " (truncated)");
            } catch (IndexOutOfBoundsException | ClassCastException e) {
                throw error(at, opcodeName(op) + " on a stack it does not fit (damaged pickle)");
            }
        }
    }

    private void step(int at, int op) {
        switch (op) {
            case 0x80 -> { // PROTO
                int protocol = in.get() & 0xFF;
                if (protocol > 5) {
                    throw error(at, "pickle protocol " + protocol + " is not supported (0 to 5)");
                }
            }
            case 0x95 -> in.getLong(); // FRAME: a length hint only
            case '(' -> marks.add(stack.size());
            case '0' -> pop();
            case '1' -> popMark();
            case '2' -> stack.add(stack.get(stack.size() - 1));
            case 'q' -> memo.put((long) (in.get() & 0xFF), top());
            case 'r' -> memo.put(in.getInt() & 0xFFFFFFFFL, top());
            case 0x94 -> memo.put((long) memo.size(), top()); // MEMOIZE
            case 'h' -> push(memoGet(at, in.get() & 0xFF));
            case 'j' -> push(memoGet(at, in.getInt() & 0xFFFFFFFFL));
            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 'J' -> push((long) in.getInt());
            case 'K' -> push((long) (in.get() & 0xFF));
            case 'M' -> push((long) (in.getShort() & 0xFFFF));
            case 0x8a -> push(long1(at, in.get() & 0xFF));
            case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT is big-endian
            case 'X' -> push(utf8(at, length(at, in.getInt() & 0xFFFFFFFFL)));
            case 0x8c -> push(utf8(at, in.get() & 0xFF)); // SHORT_BINUNICODE
            case 0x8d -> push(utf8(at, length(at, in.getLong()))); // BINUNICODE8
            case 'U' -> push(latin1(in.get() & 0xFF)); // SHORT_BINSTRING
            case 'T' -> push(latin1(length(at, in.getInt() & 0xFFFFFFFFL))); // BINSTRING
            case 'C' -> push(bytes(in.get() & 0xFF)); // SHORT_BINBYTES
            case 'B' -> push(bytes(length(at, in.getInt() & 0xFFFFFFFFL))); // BINBYTES
            case ')' -> push(new Tuple(new Object[0]));
            case 0x85 -> push(new Tuple(new Object[] {pop()}));
            case 0x86 -> {
                Object b = pop();
                Object a = pop();
                push(new Tuple(new Object[] {a, b}));
            }
            case 0x87 -> {
                Object c = pop();
                Object b = pop();
                Object a = pop();
                push(new Tuple(new Object[] {a, b, c}));
            }
            case 't' -> push(new Tuple(popMark().toArray()));
            case ']' -> push(new ArrayList<>());
            case 'a' -> {
                Object v = pop();
                list(at, top()).add(v);
            }
            case 'e' -> {
                List<Object> items = popMark();
                list(at, top()).addAll(items);
            }
            case '}' -> push(new LinkedHashMap<>());
            case 's' -> {
                Object v = pop();
                Object k = pop();
                dict(at, top()).put(k, v);
            }
            case 'u' -> {
                List<Object> items = popMark();
                Map<Object, Object> d = dict(at, top());
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    d.put(items.get(i), items.get(i + 1));
                }
            }
            case 'c' -> push(global(at, line(at), line(at)));
            case 0x93 -> { // STACK_GLOBAL
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String) || !(name instanceof String)) {
                    throw error(at, "STACK_GLOBAL needs two strings");
                }
                push(global(at, (String) module, (String) name));
            }
            case 'Q' -> push(persistentLoad(at, pop()));
            case 'R' -> {
                Object args = pop();
                Object callable = pop();
                push(reduce(at, callable, args));
            }
            case 'b' -> {
                Object state = pop();
                Object target = top();
                // A state dict pickles its _metadata attribute (per-module versions) with BUILD: kept out of
                // the tensors. BUILD on anything else would set attributes of an arbitrary object.
                if (!(target instanceof Map) || !(state instanceof Map || state == null)) {
                    throw error(at, "opcode BUILD on " + describe(target) + " is refused: only a state dict's own metadata may be built");
                }
            }
            default -> throw error(at, "opcode " + opcodeName(op) + " is refused: a state dict needs only data opcodes and " + ALLOWED
                    + "; loading never runs code from the file");
        }
    }

    private Object global(int at, String module, String name) {
        Global g = new Global(module, name);
        if (g.equals(ORDERED_DICT) || g.equals(REBUILD_TENSOR) || g.equals(REBUILD_PARAMETER)) {
            return g;
        }
        if (module.equals("torch") && name.endsWith("Storage")) {
            if (STORAGES.containsKey(name)) {
                return g;
            }
            throw error(at, "tensor storage type torch." + name + " is not supported (supported: torch.FloatStorage, torch.HalfStorage, "
                    + "torch.BFloat16Storage, torch.LongStorage)");
        }
        throw error(at, "global '" + g.qualified() + "' is refused: a state dict needs only " + ALLOWED
                + "; loading never runs code from the file");
    }

    private Object reduce(int at, Object callable, Object args) {
        if (!(args instanceof Tuple t)) {
            throw error(at, "REDUCE with arguments that are not a tuple");
        }
        if (ORDERED_DICT.equals(callable)) {
            if (t.size() != 0) {
                throw error(at, "collections.OrderedDict called with " + t.size() + " arguments (a state dict pickles it with none)");
            }
            return new LinkedHashMap<>();
        }
        if (REBUILD_TENSOR.equals(callable)) {
            return rebuildTensor(at, t);
        }
        if (REBUILD_PARAMETER.equals(callable)) {
            if (t.size() < 1 || !(t.get(0) instanceof TensorRef)) {
                throw error(at, "torch._utils._rebuild_parameter without a tensor as its first argument");
            }
            return t.get(0);
        }
        throw error(at, "opcode REDUCE on " + describe(callable) + " is refused: only " + ORDERED_DICT.qualified() + ", "
                + REBUILD_TENSOR.qualified() + " and " + REBUILD_PARAMETER.qualified() + " may be called");
    }

    private TensorRef rebuildTensor(int at, Tuple t) {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (t.size() < 4 || !(t.get(0) instanceof StorageRef storage) || !(t.get(1) instanceof Long offset)
                || !(t.get(2) instanceof Tuple size) || !(t.get(3) instanceof Tuple stride) || size.size() != stride.size()) {
            throw error(at, "torch._utils._rebuild_tensor_v2 with arguments that are not (storage, offset, size, stride, ...)");
        }
        return new TensorRef(storage, offset, longs(at, size), longs(at, stride));
    }

    private long[] longs(int at, Tuple t) {
        long[] v = new long[t.size()];
        for (int i = 0; i < v.length; i++) {
            if (!(t.get(i) instanceof Long l) || l < 0) {
                throw error(at, "tensor size or stride " + Arrays.toString(t.items()) + " is not a tuple of non-negative integers");
            }
            v[i] = l;
        }
        return v;
    }

    private StorageRef persistentLoad(int at, Object pid) {
        // ('storage', storage_type, key, location, numel), as torch.save writes it.
        if (!(pid instanceof Tuple t) || t.size() != 5 || !"storage".equals(t.get(0)) || !(t.get(1) instanceof Global type)
                || !(t.get(2) instanceof String key) || !(t.get(4) instanceof Long elements)) {
            throw error(at, "persistent id " + describe(pid) + " is not a torch storage ('storage', type, key, location, size)");
        }
        StoredType stored = STORAGES.get(type.name());
        if (stored == null || !type.module().equals("torch")) {
            throw error(at, "persistent id names " + type.qualified() + ", not a torch storage class");
        }
        return new StorageRef(key, stored, elements);
    }

    private Object memoGet(int at, long index) {
        if (!memo.containsKey(index)) {
            throw error(at, "memo index " + index + " was never stored (damaged pickle)");
        }
        return memo.get(index);
    }

    private Object long1(int at, int n) {
        byte[] b = new byte[n];
        in.get(b);
        if (n == 0) {
            return 0L;
        }
        byte[] big = new byte[n];
        for (int i = 0; i < n; i++) {
            big[i] = b[n - 1 - i];
        }
        BigInteger v = new BigInteger(big);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private int length(int at, long n) {
        if (n < 0 || n > in.remaining()) {
            throw error(at, "a string of " + n + " bytes runs past the end of the pickle (truncated)");
        }
        return (int) n;
    }

    private String utf8(int at, int n) {
        byte[] b = new byte[length(at, n)];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String latin1(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String line(int at) {
        StringBuilder s = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) {
                throw error(at, "GLOBAL runs past the end of the pickle (truncated)");
            }
            byte b = in.get();
            if (b == '\n') {
                return s.toString();
            }
            if (s.length() > 200) {
                throw error(at, "GLOBAL name longer than 200 characters (damaged pickle)");
            }
            s.append((char) (b & 0xFF));
        }
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
            throw new IndexOutOfBoundsException("empty stack");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object top() {
        if (stack.isEmpty()) {
            throw new IndexOutOfBoundsException("empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw new IndexOutOfBoundsException("no mark");
        }
        int from = marks.remove(marks.size() - 1);
        List<Object> tail = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(int at, Object o) {
        if (!(o instanceof ArrayList)) {
            throw error(at, "APPEND to " + describe(o) + ", not a list");
        }
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(int at, Object o) {
        if (!(o instanceof LinkedHashMap)) {
            throw error(at, "SETITEM on " + describe(o) + ", not a dict");
        }
        return (Map<Object, Object>) o;
    }

    static String describe(Object o) {
        if (o instanceof Global g) {
            return g.qualified();
        }
        if (o == null) {
            return "None";
        }
        if (o instanceof Tuple t) {
            return "a tuple of " + t.size();
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof List) {
            return "a list";
        }
        if (o instanceof TensorRef) {
            return "a tensor";
        }
        if (o instanceof StorageRef) {
            return "a storage";
        }
        return "a " + o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static String opcodeName(int op) {
        String name = OPCODE_NAMES.get(op);
        return (name == null ? "unknown" : name) + " (0x" + Integer.toHexString(op) + ")";
    }

    private static Map<Integer, String> opcodeNames() {
        Map<Integer, String> m = new HashMap<>();
        String[] pairs = {
            "(MARK", ".STOP", "0POP", "1POP_MARK", "2DUP", "FFLOAT", "IINT", "JBININT", "KBININT1", "LLONG", "MBININT2", "NNONE",
            "PPERSID", "QBINPERSID", "RREDUCE", "SSTRING", "TBINSTRING", "USHORT_BINSTRING", "VUNICODE", "XBINUNICODE", "aAPPEND",
            "bBUILD", "cGLOBAL", "dDICT", "}EMPTY_DICT", "eAPPENDS", "gGET", "hBINGET", "iINST", "jLONG_BINGET", "lLIST",
            "]EMPTY_LIST", "oOBJ", "pPUT", "qBINPUT", "rLONG_BINPUT", "sSETITEM", "tTUPLE", ")EMPTY_TUPLE", "uSETITEMS",
            "GBINFLOAT", "BBINBYTES", "CSHORT_BINBYTES"};
        for (String p : pairs) {
            m.put((int) p.charAt(0), p.substring(1));
        }
        String[] extended = {"PROTO", "NEWOBJ", "EXT1", "EXT2", "EXT4", "TUPLE1", "TUPLE2", "TUPLE3", "NEWTRUE", "NEWFALSE", "LONG1",
            "LONG4"};
        for (int i = 0; i < extended.length; i++) {
            m.put(0x80 + i, extended[i]);
        }
        String[] protocol4 = {"SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES8", "EMPTY_SET", "ADDITEMS", "FROZENSET", "NEWOBJ_EX",
            "STACK_GLOBAL", "MEMOIZE", "FRAME", "BYTEARRAY8", "NEXT_BUFFER", "READONLY_BUFFER"};
        for (int i = 0; i < protocol4.length; i++) {
            m.put(0x8c + i, protocol4[i]);
        }
        return Map.copyOf(m);
    }
}
