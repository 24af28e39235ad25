package dev.nitelog.sink.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The rotated siblings of one active file {@code <name>}: {@code <name>.<yyyy-MM-dd>.<n>}, where
 * the date is the UTC day of the file's first record and {@code n} counts from 1 per name and day,
 * plus {@code .gz} once compressed. Compression writes {@code .gz.tmp}, syncs it, renames it to
 * {@code .gz} and only then deletes the original, so a crash at any point leaves a complete copy.
 */
final class RotatedFiles {
    private static final String GZ = ".gz";

    private final Path active;
    private final Path dir;
    private final Pattern pattern;

    /** One rotated file: its day and number, and whether it is compressed. */
    record Rotated(Path path, String date, long n, boolean gzipped) {
    }

    RotatedFiles(Path active) {
        this.active = active;
        this.dir = active.getParent();
        this.pattern = Pattern.compile(Pattern.quote(active.getFileName().toString())
                + "\\.(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)(\\.gz)?");
    }

    /** Every rotated file, oldest (day, then number) first. */
    List<Rotated> list() throws IOException {
        List<Rotated> found = new ArrayList<>();
        String prefix = active.getFileName() + ".";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, e -> e.getFileName().toString().startsWith(prefix))) {
            for (Path entry : entries) {
                Matcher m = pattern.matcher(entry.getFileName().toString());
                if (m.matches()) {
                    found.add(new Rotated(entry, m.group(1), Long.parseLong(m.group(2)), m.group(3) != null));
                }
            }
        }
        found.sort(Comparator.comparing(Rotated::date).thenComparingLong(Rotated::n)
                .thenComparing(Rotated::gzipped));
        return found;
    }

    /** The name the active file gets when it is rotated now, its first record being of {@code day}. */
    Path nextName(long day) throws IOException {
        String date = LocalDate.ofEpochDay(day).toString();
        long n = 0;
        for (Rotated r : list()) {
            if (r.date().equals(date)) {
                n = Math.max(n, r.n());
            }
        }
        return dir.resolve(active.getFileName() + "." + date + "." + (n + 1));
    }

    /** Compresses every uncompressed rotated file, finishing what a crash may have interrupted. */
    void compressAll() throws IOException {
        List<Rotated> all = list();
        for (Rotated r : all) {
            if (r.gzipped()) {
                continue;
            }
            Path gz = r.path().resolveSibling(r.path().getFileName() + GZ);
            if (all.stream().noneMatch(o -> o.path().equals(gz))) {
                compress(r.path(), gz);
            }
            Files.deleteIfExists(r.path()); // the .gz is complete: it was renamed only after a sync
        }
    }

    private static void compress(Path source, Path gz) throws IOException {
        Path tmp = gz.resolveSibling(gz.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel channel = Fs.createNew(tmp, StandardOpenOption.WRITE)) {
            if (channel == null) {
                throw new IOException("cannot create " + tmp);
            }
            try (InputStream in = Files.newInputStream(source);
                 OutputStream out = new GZIPOutputStream(Channels.newOutputStream(channel), 64 * 1024)) {
                in.transferTo(out);
                ((GZIPOutputStream) out).finish();
                out.flush();
                channel.force(true);
            }
        }
        Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE);
        Fs.syncDirectory(gz.getParent());
    }

    /** Deletes the oldest rotated files beyond {@code keep}; 0 keeps all. */
    void prune(int keep) throws IOException {
        if (keep <= 0) {
            return;
        }
        List<Rotated> all = list();
        // a file and its .gz (mid-compression) are one generation
        List<String> generations = all.stream().map(r -> r.date() + "." + r.n()).distinct().toList();
        int excess = generations.size() - keep;
        for (Rotated r : all) {
            if (excess > 0 && generations.indexOf(r.date() + "." + r.n()) < excess) {
                try {
                    Files.delete(r.path());
                } catch (NoSuchFileException ignored) {
                    // already gone
                }
            }
        }
    }
}
