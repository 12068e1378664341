/* Placeholder until the screen consoles land. */
#include "kernel/video.h"

void video_console_init(void)
{
}
