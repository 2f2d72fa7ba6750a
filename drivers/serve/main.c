/* main.c - placeholder until the server side lands. */
#include <stdio.h>

int main(void)
{
	fputs("evb-serve: not built yet\n", stderr);
	return 2;
}
