/* The C ABI the kiosk loads with dlopen for readers that ship only an SDK
 * (`--id-reader-lib`, docs/devices.md "Readers with only a vendor SDK"). A deployment
 * writes a few lines of glue from its vendor's SDK to these functions and builds them
 * as a shared library; the kiosk never links a vendor's code. All functions are called
 * from the kiosk's one reader thread, never concurrently.
 *
 * And the optional WLT photo decoder (`--wlt-decoder-lib`): the card photo is encrypted
 * by the card's maker and only a licensed decoder turns it into a picture. */
#ifndef YIMEN_IDCARD_VENDOR_ABI_H_
#define YIMEN_IDCARD_VENDOR_ABI_H_

#ifdef __cplusplus
extern "C" {
#endif

#define YIMEN_IDR_ABI_VERSION 1

/* Must return YIMEN_IDR_ABI_VERSION. (void): this header is C too. */
typedef int (*yimen_idr_abi_version_fn)(void);  // NOLINT(modernize-redundant-void-arg)
/* Opens the reader named by `device` (the --id-reader value, "" when none was given:
 * the SDK's own choice, e.g. the first USB reader). NULL when it cannot. */
typedef void* (*yimen_idr_open_fn)(const char* device);
/* 1: a card is on the reader; 0: none; negative: the reader failed. */
typedef int (*yimen_idr_present_fn)(void* reader);
/* Reads the card into the card's own 256 text bytes (UCS-2LE, fixed fields) and its
 * 1024 WLT photo bytes. 0: read; 1: no card; 2: the card left mid-read; negative: the
 * reader failed. */
typedef int (*yimen_idr_read_fn)(void* reader, unsigned char text[256], unsigned char photo[1024]);
/* Optional: the last failure in words (ASCII or UTF-8), for the log and staff mode. */
typedef const char* (*yimen_idr_error_fn)(void* reader);
typedef void (*yimen_idr_close_fn)(void* reader);

/* The photo decoder: 1024 WLT bytes to a 102 x 126 picture, RGB, rows top to bottom.
 * 0 on success. */
#define YIMEN_WLT_WIDTH 102
#define YIMEN_WLT_HEIGHT 126
typedef int (*yimen_wlt_decode_fn)(const unsigned char wlt[1024],
                                   unsigned char rgb[YIMEN_WLT_WIDTH * YIMEN_WLT_HEIGHT * 3]);

#ifdef __cplusplus
}
#endif

#endif /* YIMEN_IDCARD_VENDOR_ABI_H_ */
