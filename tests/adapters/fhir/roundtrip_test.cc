int unused_roundtrip = 0;
