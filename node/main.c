/* ringdb daemon entry point (placeholder until the config and store land). */
#include <stdio.h>

int main(void)
{
    printf("ringdb\n");
    return 0;
}
