// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Platform;
import io.mypoll.driver.linux.Epoll;
import io.mypoll.driver.linux.EpollEvents;
import io.mypoll.driver.linux.EventFd;
import io.mypoll.driver.linux.LibC;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpollEventsTest {

    @Test
    void structSizeFollowsTheArchitecture() {
        assertEquals(Platform.isIntel() ? 12 : 16, EpollEvents.SIZE);
    }

    @Test
    void oneWaitReturningSeveralEventsDecodesEachFd() throws Exception {
        EventFd a = new EventFd();
        EventFd b = new EventFd();
        EventFd c = new EventFd();
        try (Epoll epoll = new Epoll()) {
            for (EventFd e : new EventFd[] {a, b, c}) {
                epoll.add(e.fd(), LibC.EPOLLIN);
                e.signal();
            }
            EpollEvents events = new EpollEvents(8);
            int n = epoll.await(events, 1000);
            assertEquals(3, n);
            Set<Integer> fds = new HashSet<>();
            for (int i = 0; i < n; i++) {
                assertEquals(LibC.EPOLLIN, events.events(i), "events of element " + i);
                fds.add(events.fd(i));
            }
            assertEquals(Set.of(a.fd(), b.fd(), c.fd()), fds);
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }
}
