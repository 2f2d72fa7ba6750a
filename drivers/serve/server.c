/* server.c - placeholder. */
