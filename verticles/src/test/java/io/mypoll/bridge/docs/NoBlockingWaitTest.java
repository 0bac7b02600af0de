// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The bridge's code runs on Vert.x contexts (and hands work to the device
 * loop, which must never wait for a context): none of it waits for another
 * thread. The product sources are compiled here with their types resolved,
 * and every call of a method that blocks until another thread acts is named,
 * but for the few places listed below that run before Vert.x starts or after
 * it was asked to stop.
 */
class NoBlockingWaitTest {
    private static final Path SOURCES = Path.of("src/main/java");

    /** Blocking methods by the type that declares them (subtypes included). */
    private static final Map<String, Set<String>> BLOCKING = Map.ofEntries(
            Map.entry("java.util.concurrent.Future", Set.of("get")),
            Map.entry("java.util.concurrent.CompletableFuture", Set.of("join", "get")),
            Map.entry("io.vertx.core.Future", Set.of("await")),
            Map.entry("java.lang.Thread", Set.of("sleep", "join")),
            Map.entry("java.lang.Object", Set.of("wait")),
            Map.entry("java.util.concurrent.CountDownLatch", Set.of("await")),
            Map.entry("java.util.concurrent.CyclicBarrier", Set.of("await")),
            Map.entry("java.util.concurrent.Phaser", Set.of("awaitAdvance", "awaitAdvanceInterruptibly",
                    "arriveAndAwaitAdvance")),
            Map.entry("java.util.concurrent.Semaphore", Set.of("acquire", "acquireUninterruptibly", "tryAcquire")),
            Map.entry("java.util.concurrent.locks.Condition", Set.of("await", "awaitNanos", "awaitUninterruptibly",
                    "awaitUntil")),
            Map.entry("java.util.concurrent.locks.LockSupport", Set.of("park", "parkNanos", "parkUntil")),
            Map.entry("java.util.concurrent.BlockingQueue", Set.of("take", "put")),
            Map.entry("java.util.concurrent.ExecutorService", Set.of("awaitTermination", "invokeAll", "invokeAny")),
            Map.entry("java.util.concurrent.TimeUnit", Set.of("sleep", "timedJoin", "timedWait")));

    /**
     * "Class.method" of the code allowed to wait, each with why it runs on no
     * Vert.x context.
     */
    private static final Set<String> ALLOWED = Set.of(
            // The process's main thread: reads the settings and makes the bridge's Vert.x before any verticle runs.
            "io.mypoll.bridge.Main.main",
            // The JVM's shutdown hook thread: waits, bounded, for Vert.x to close.
            "io.mypoll.bridge.Main.stop");

    @Test
    void noProductCodeWaitsForAnotherThreadButWhereListed() throws Exception {
        List<String> found = blockingCalls(SOURCES);
        assertEquals(List.of(), found, "blocking waits in code that runs on a Vert.x context (allowed: "
                + ALLOWED + ")");
    }

    @Test
    void theCheckSeesEveryKindOfBlockingWait(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("example/Waits.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                package example;
                import java.util.concurrent.*;
                class Waits {
                    void waits(CompletableFuture<Void> cf, Future<Void> f, io.vertx.core.Future<Void> vf,
                               Semaphore s, CountDownLatch latch, BlockingQueue<String> q) throws Exception {
                        cf.join();
                        f.get();
                        vf.await();
                        s.tryAcquire(1, TimeUnit.SECONDS);
                        latch.await();
                        q.take();
                        // Sample source for the finder, never run.
                        Thread.sleep(1);
                        new java.util.concurrent.atomic.AtomicLong().get();
                        java.util.Map.of().get("not a future");
                    }
                }
                """);
        List<String> found = blockingCalls(dir);
        assertEquals(7, found.size(), String.valueOf(found));
        assertTrue(found.get(0).contains("Waits.waits") && found.get(0).contains("join"), found.get(0));
    }

    /** "file:line: Class.method calls Type.method" for each blocking call outside {@link #ALLOWED}. */
    private static List<String> blockingCalls(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "sources under " + root.toAbsolutePath());
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) compiler.getTask(null, fm, diagnostics,
                    List.of("-proc:none", "-classpath", System.getProperty("java.class.path")), null,
                    fm.getJavaFileObjectsFromPaths(files));
            Iterable<? extends CompilationUnitTree> units = task.parse();
            task.analyze();
            Trees trees = Trees.instance(task);
            Types types = task.getTypes();
            Elements elements = task.getElements();
            List<String> found = new ArrayList<>();
            for (CompilationUnitTree unit : units) {
                new TreePathScanner<Void, Void>() {
                    @Override
                    public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                        Element target = trees.getElement(getCurrentPath());
                        if (target instanceof ExecutableElement method && blocks(method, types, elements)) {
                            String where = where(getCurrentPath());
                            if (!ALLOWED.contains(where)) {
                                long line = unit.getLineMap().getLineNumber(
                                        trees.getSourcePositions().getStartPosition(unit, call));
                                found.add(root.toAbsolutePath().relativize(Path.of(unit.getSourceFile().toUri())) + ":" + line + ": "
                                        + where + " calls " + method.getEnclosingElement().getSimpleName() + "."
                                        + method.getSimpleName());
                            }
                        }
                        return super.visitMethodInvocation(call, unused);
                    }
                }.scan(unit, null);
            }
            // Calls in code that does not compile would have no resolved target, and go unseen.
            assertEquals(List.of(), diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).map(d -> d.toString()).toList(),
                    "the sources compile");
            return found;
        }
    }

    private static boolean blocks(ExecutableElement method, Types types, Elements elements) {
        String name = method.getSimpleName().toString();
        TypeMirror owner = types.erasure(method.getEnclosingElement().asType());
        for (Map.Entry<String, Set<String>> entry : BLOCKING.entrySet()) {
            TypeElement type = elements.getTypeElement(entry.getKey());
            if (type != null && entry.getValue().contains(name)
                    && types.isSubtype(owner, types.erasure(type.asType()))
                    && !(name.equals("tryAcquire") && method.getParameters().size() < 2)) {
                return true;
            }
        }
        return false;
    }

    /** "package.Class.method" of the method (or "Class.<init>") that holds the call. */
    private static String where(TreePath path) {
        String method = "<init>";
        for (TreePath p = path; p != null; p = p.getParentPath()) {
            if (p.getLeaf() instanceof MethodTree m && method.equals("<init>")) {
                method = m.getName().toString();
            } else if (p.getLeaf() instanceof ClassTree c) {
                String pkg = p.getCompilationUnit().getPackageName() == null ? ""
                        : p.getCompilationUnit().getPackageName() + ".";
                return pkg + c.getSimpleName() + "." + method;
            }
        }
        return method;
    }
}
