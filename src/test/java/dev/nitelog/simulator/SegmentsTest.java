package dev.nitelog.simulator;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SegmentsTest {

    @Test
    void keepsBytesAcrossSegmentBoundariesInOrder() throws Exception {
        byte[] data = new byte[(3 << 20) + 12345];
        new Random(7).nextBytes(data);
        Segments segments = new Segments();
        segments.write(data[0]);
        int at = 1;
        for (int len = 1; at < data.length; len = len * 3 + 1) { // writes of growing sizes straddle the segments
            int n = Math.min(len, data.length - at);
            segments.write(data, at, n);
            at += n;
        }
        assertEquals(data.length, segments.length());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        segments.writeTo(out);
        assertArrayEquals(data, out.toByteArray());
    }
}
