/* Sluice: arguments -> configuration -> core -> run.  (Placeholder until core lands.) */
#include <stdio.h>

int
main(int argc, char **argv)
{
    (void) argc;
    (void) argv;
    printf("sluice\n");
    return 0;
}
