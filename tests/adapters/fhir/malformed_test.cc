int unused_malformed = 0;
