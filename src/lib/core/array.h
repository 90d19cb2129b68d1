/* array.h - the element count of a fixed-size array. */
#ifndef CB_ARRAY_H
#define CB_ARRAY_H

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

#endif
