// metrogw entry point (placeholder until the server lands).
int main() { return 0; }
