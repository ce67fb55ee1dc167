/* <resolv.h> for guests: res_init() only. Names are resolved by the relay
 * (getaddrinfo(), gethostbyname()), so a guest has no resolver configuration
 * to load: res_init() succeeds and changes nothing (programs such as netcat
 * call it before their first lookup). The stub resolver's queries
 * (res_query(), res_search(), struct __res_state) are not available. */
#ifndef SOCKBRIDGE_RESOLV_H
#define SOCKBRIDGE_RESOLV_H

#ifdef __cplusplus
extern "C" {
#endif

int res_init(void);

#ifdef __cplusplus
}
#endif

#endif
