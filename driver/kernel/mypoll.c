// SPDX-License-Identifier: GPL-2.0
/*
 * mypoll: an event device for asynchronous notification (poll, fasync/SIGIO).
 *
 * Each device generates events from a periodic hrtimer (TIMER), from write()
 * (MANUAL) and from the MYPOLL_IOC_BURST ioctl (BURST), and keeps the last
 * queue_len of them (64-byte struct mypoll_event, see mypoll.h) in one ring.
 * Every open file is a reader with its own position in that ring, so each
 * reader sees every event generated while it is open, and queuing an event
 * costs the same however many readers there are. A reader more than
 * queue_len events behind loses the oldest ones and is told so by a
 * MYPOLL_EV_OVERRUN record.
 *
 * Readers are woken and signalled (SIGIO) from a work item, once for all the
 * events queued since it last ran, so the work done in the timer's softirq
 * and under the spinlock never grows with the number of readers, and the
 * hard timer interrupt does none of it.
 *
 * Locking, outermost first (the fields each lock guards are marked in the
 * structures below):
 *  - mypoll_device.period_mutex serialises changes of the timer period
 *    (module init, ioctl, sysfs); hrtimer_cancel() is called with no other
 *    lock held, because the callback takes mypoll_device.lock.
 *  - mypoll_device.clients_mutex serialises changes of the list of open
 *    files (open, release). The notification work walks the list under
 *    SRCU instead (mypoll_device.srcu), so that closing a file never waits
 *    for a pass over thousands of readers; a released client is freed after
 *    an SRCU grace period.
 *  - mypoll_client.read_mutex serialises read() calls on one file, which
 *    share the client's bounce buffer; copy_to_user() runs with the mutex
 *    held but never with the spinlock held.
 *  - mypoll_device.lock (spinlock_t) guards the ring, the sequence counter
 *    and every reader's position and counters. The timer is a soft hrtimer
 *    (HRTIMER_MODE_REL_SOFT): its callback runs in softirq context (on
 *    PREEMPT_RT in the softirq thread, where the sleeping spinlock_t is
 *    allowed), never in the hard timer interrupt, so the lock is taken with
 *    spin_lock_bh() and this module never disables interrupts. It is held
 *    for one event (timer, write), at most MYPOLL_BURST_CHUNK events (burst)
 *    or MYPOLL_BOUNCE_RECORDS records (read), nothing per reader.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "mypoll.h"

#define MYPOLL_MAX_DEVICES	64
#define MYPOLL_QUEUE_MAX	65536U
/* Shortest non-zero timer period: 100 us, at most 10000 events/s. */
#define MYPOLL_PERIOD_MIN_US	100U
/* BURST events generated per spinlock hold. */
#define MYPOLL_BURST_CHUNK	64U
/* Records moved from the ring to user space per spinlock hold in read(). */
#define MYPOLL_BOUNCE_RECORDS	32U

static_assert(sizeof(struct mypoll_event) == MYPOLL_RECORD_SIZE);

static unsigned int period_us = 1000000;
module_param(period_us, uint, 0444);
MODULE_PARM_DESC(period_us,
		 "Timer period in us: 0 = off, else >= 100 (default 1000000)");

static unsigned int queue_len = 1024;
module_param(queue_len, uint, 0444);
MODULE_PARM_DESC(queue_len,
		 "Records kept per device, power of two <= 65536 (default 1024)");

static unsigned int count = 1;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count,
		 "Devices 1..64: 1 = /dev/mypoll, N = /dev/mypoll0..N-1");

struct mypoll_device {
	struct miscdevice misc;
	char name[24];

	/* Guards changes of period_us and (re)starting or cancelling timer. */
	struct mutex period_mutex;
	u32 period_us;			/* written under period_mutex */
	struct hrtimer timer;

	/* Serialises changes of clients and readers. */
	struct mutex clients_mutex;
	struct list_head clients;	/* of mypoll_client.node; SRCU readers */
	unsigned int readers;		/* open files; read locklessly */
	struct srcu_struct srcu;	/* protects walks of clients */

	/* Wakes and signals every reader; queued after events are. */
	struct work_struct notify_work;

	/* Guards ring[] and seq, and the marked fields of every client. */
	spinlock_t lock;
	struct mypoll_event *ring;	/* queue_len records; seq s at s & mask */
	u64 seq;			/* last seq = events generated */
};

struct mypoll_client {
	struct mypoll_device *dev;
	struct list_head node;		/* in dev->clients, dev->clients_mutex */
	struct rcu_head rcu;		/* frees it after dev->srcu's readers */
	struct fasync_struct *fasync;	/* own locking (fasync_helper) */
	wait_queue_head_t wait;		/* own lock; read() and poll() */

	/* All of the following up to read_mutex are guarded by dev->lock. */
	u64 next;			/* seq of the next event to read */
	u32 overrun_lost;		/* lost since the last OVERRUN record */
	u64 overrun_seq;		/* seq of the last event lost */
	u64 overrun_ts;			/* when it was lost */
	u64 lost;			/* total events lost to overrun */
	u64 delivered;			/* event records copied to user space */

	/* Serialises read() on this file; guards bounce[]. */
	struct mutex read_mutex;
	struct mypoll_event bounce[MYPOLL_BOUNCE_RECORDS];
};

static struct mypoll_device *mypoll_devs;
static unsigned int mypoll_ndevs;

/*
 * Moves a reader that is more than queue_len events behind to the oldest
 * event still in the ring, counting what it skipped as lost. The event seq
 * L was lost when event L + queue_len overwrote it: for the last one lost
 * that is the newest event. Caller holds dev->lock.
 */
static void mypoll_catch_up(struct mypoll_client *client)
{
	struct mypoll_device *dev = client->dev;
	u64 behind = dev->seq + 1 - client->next;
	u64 drop;

	if (behind <= queue_len)
		return;
	drop = behind - queue_len;
	client->next += drop;
	client->lost += drop;
	client->overrun_lost = min_t(u64, (u64)client->overrun_lost + drop,
				     U32_MAX);
	client->overrun_seq = client->next - 1;
	client->overrun_ts = dev->ring[dev->seq & (queue_len - 1)].ts_ns;
}

/* Records the reader can read now. Caller holds dev->lock. */
static unsigned int mypoll_queued(struct mypoll_client *client)
{
	mypoll_catch_up(client);
	return client->dev->seq + 1 - client->next;
}

/* Generates one event into the ring. Caller holds dev->lock. */
static void mypoll_emit(struct mypoll_device *dev, u16 type,
			const void *payload, size_t len)
{
	struct mypoll_event *ev = &dev->ring[++dev->seq & (queue_len - 1)];

	memset(ev, 0, sizeof(*ev));
	ev->seq = dev->seq;
	ev->ts_ns = ktime_get_ns();
	ev->type = type;
	ev->len = min_t(size_t, len, MYPOLL_PAYLOAD_MAX);
	memcpy(ev->payload, payload, ev->len);
}

/*
 * Readers learn about new events from notify_work, which runs in process
 * context and covers everything queued before it starts: a second call
 * while the work is still pending adds nothing, so a burst or a fast timer
 * costs one wakeup and one SIGIO per reader per run, not per event.
 */
static void mypoll_notify(struct mypoll_device *dev)
{
	schedule_work(&dev->notify_work);
}

static void mypoll_notify_fn(struct work_struct *work)
{
	struct mypoll_device *dev = container_of(work, struct mypoll_device,
						 notify_work);
	struct mypoll_client *client;
	int idx;

	idx = srcu_read_lock(&dev->srcu);
	list_for_each_entry_srcu(client, &dev->clients, node,
				 srcu_read_lock_held(&dev->srcu)) {
		wake_up_interruptible_poll(&client->wait,
					   EPOLLIN | EPOLLRDNORM);
		kill_fasync(&client->fasync, SIGIO, POLL_IN);
		/* Thousands of readers must not hog the CPU. */
		cond_resched();
	}
	srcu_read_unlock(&dev->srcu, idx);
}

static void mypoll_event_one(struct mypoll_device *dev, u16 type,
			     const void *payload, size_t len)
{

	spin_lock_bh(&dev->lock);
	mypoll_emit(dev, type, payload, len);
	spin_unlock_bh(&dev->lock);
	mypoll_notify(dev);
}

static int mypoll_burst(struct mypoll_device *dev, u32 n)
{
	char text[MYPOLL_PAYLOAD_MAX];
	u32 i = 0, end;
	int len;

	while (i < n) {
		/*
		 * Up to 2^20 events take a while: a killed caller must not
		 * keep the rest of its burst going (or its exit waiting).
		 */
		if (fatal_signal_pending(current))
			return -EINTR;
		end = i + min(n - i, MYPOLL_BURST_CHUNK);
		spin_lock_bh(&dev->lock);
		for (; i < end; i++) {
			len = scnprintf(text, sizeof(text), "burst %u/%u",
					i + 1, n);
			mypoll_emit(dev, MYPOLL_EV_BURST, text, len);
		}
		spin_unlock_bh(&dev->lock);
		mypoll_notify(dev);
		cond_resched();
	}
	return 0;
}

static ktime_t mypoll_us(u32 us)
{
	return ns_to_ktime((u64)us * NSEC_PER_USEC);
}

static enum hrtimer_restart mypoll_timer_fn(struct hrtimer *timer)
{
	struct mypoll_device *dev = container_of(timer, struct mypoll_device,
						 timer);
	u32 period = READ_ONCE(dev->period_us);

	mypoll_event_one(dev, MYPOLL_EV_TIMER, "timer", 5);
	if (!period)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, mypoll_us(period));
	return HRTIMER_RESTART;
}

static int mypoll_check_period(u32 us)
{
	return us && us < MYPOLL_PERIOD_MIN_US ? -EINVAL : 0;
}

static int mypoll_set_period(struct mypoll_device *dev, u32 us)
{
	if (mypoll_check_period(us))
		return -EINVAL;

	mutex_lock(&dev->period_mutex);
	hrtimer_cancel(&dev->timer);
	WRITE_ONCE(dev->period_us, us);
	if (us)
		hrtimer_start(&dev->timer, mypoll_us(us), HRTIMER_MODE_REL_SOFT);
	mutex_unlock(&dev->period_mutex);
	return 0;
}

/* ---- file operations ---------------------------------------------------- */

static int mypoll_open(struct inode *inode, struct file *file)
{
	struct mypoll_device *dev = container_of(file->private_data,
						 struct mypoll_device, misc);
	struct mypoll_client *client;

	/* Charged to the opener's memory cgroup: users can open many. */
	client = kzalloc(sizeof(*client), GFP_KERNEL_ACCOUNT);
	if (!client)
		return -ENOMEM;
	client->dev = dev;
	init_waitqueue_head(&client->wait);
	mutex_init(&client->read_mutex);

	mutex_lock(&dev->clients_mutex);
	spin_lock_bh(&dev->lock);
	client->next = dev->seq + 1;
	spin_unlock_bh(&dev->lock);
	list_add_tail_rcu(&client->node, &dev->clients);
	WRITE_ONCE(dev->readers, dev->readers + 1);
	mutex_unlock(&dev->clients_mutex);

	file->private_data = client;
	return stream_open(inode, file);
}

static void mypoll_client_free(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct mypoll_client, rcu));
}

static int mypoll_release(struct inode *inode, struct file *file)
{
	struct mypoll_client *client = file->private_data;
	struct mypoll_device *dev = client->dev;

	/*
	 * No fasync cleanup here: an entry only gets on client->fasync by
	 * ->fasync() with FASYNC set, and __fput() calls ->fasync(-1, file, 0)
	 * for such a file before ->release(), so the list is already empty.
	 * A notify_work pass that already found the client may still wake its
	 * (empty) wait queue and fasync list, so it is freed only after the
	 * SRCU readers of the list are done.
	 */
	mutex_lock(&dev->clients_mutex);
	list_del_rcu(&client->node);
	WRITE_ONCE(dev->readers, dev->readers - 1);
	mutex_unlock(&dev->clients_mutex);

	mutex_destroy(&client->read_mutex);
	call_srcu(&dev->srcu, &client->rcu, mypoll_client_free);
	return 0;
}

static bool mypoll_ready(struct mypoll_client *client)
{
	struct mypoll_device *dev = client->dev;
	bool ready;

	spin_lock_bh(&dev->lock);
	ready = client->next <= dev->seq || client->overrun_lost;
	spin_unlock_bh(&dev->lock);
	return ready;
}

/*
 * Moves up to @max records (a pending OVERRUN record first) to the bounce
 * buffer. Returns the number of records and, in @events, how many of them are
 * event records. Caller holds client->read_mutex.
 */
static unsigned int mypoll_fetch(struct mypoll_client *client,
				 unsigned int max, unsigned int *events)
{
	struct mypoll_device *dev = client->dev;
	struct mypoll_event *out = client->bounce;
	unsigned int mask = queue_len - 1;
	unsigned int n = 0, k;

	spin_lock_bh(&dev->lock);
	k = mypoll_queued(client);
	if (client->overrun_lost && max) {
		memset(out, 0, sizeof(*out));
		out->seq = client->overrun_seq;
		out->ts_ns = client->overrun_ts;
		out->type = MYPOLL_EV_OVERRUN;
		out->lost = client->overrun_lost;
		client->overrun_lost = 0;
		n = 1;
	}
	k = min(max - n, k);
	*events = k;
	while (k--)
		out[n++] = dev->ring[client->next++ & mask];
	spin_unlock_bh(&dev->lock);
	return n;
}

static ssize_t mypoll_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	struct mypoll_client *client = file->private_data;
	struct mypoll_device *dev = client->dev;
	size_t want = len / MYPOLL_RECORD_SIZE, done = 0;
	unsigned int n, events;
	int err;

	/* As evdev: a zero-length read asks for nothing and gets nothing. */
	if (!len)
		return 0;
	if (len < MYPOLL_RECORD_SIZE)
		return -EINVAL;

	for (;;) {
		if (!mypoll_ready(client)) {
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			err = wait_event_interruptible(client->wait,
						       mypoll_ready(client));
			if (err)
				return err;
		}

		/*
		 * Another read() of this file holds the mutex for as long as
		 * its copy_to_user() takes (a page fault, say): a nonblocking
		 * caller must not wait for that.
		 */
		if (file->f_flags & O_NONBLOCK) {
			if (!mutex_trylock(&client->read_mutex))
				return -EAGAIN;
		} else if (mutex_lock_interruptible(&client->read_mutex)) {
			return -ERESTARTSYS;
		}
		while (done < want) {
			n = mypoll_fetch(client,
					 min_t(size_t, want - done,
					       MYPOLL_BOUNCE_RECORDS),
					 &events);
			if (!n)
				break;
			/*
			 * Records that cannot be copied are gone, as in evdev:
			 * the caller passed a bad buffer.
			 */
			if (copy_to_user(buf + done * MYPOLL_RECORD_SIZE,
					 client->bounce,
					 n * MYPOLL_RECORD_SIZE)) {
				mutex_unlock(&client->read_mutex);
				if (!done)
					return -EFAULT;
				return done * MYPOLL_RECORD_SIZE;
			}
			spin_lock_bh(&dev->lock);
			client->delivered += events;
			spin_unlock_bh(&dev->lock);
			done += n;
		}
		mutex_unlock(&client->read_mutex);

		/* Another read() on this file may have taken the records. */
		if (done)
			return done * MYPOLL_RECORD_SIZE;
	}
}

/*
 * One MANUAL event per call, of at most MYPOLL_PAYLOAD_MAX bytes; the
 * return value says how many were taken, so a caller with more writes the
 * rest as further events (as write(2) callers do with any short write).
 */
static ssize_t mypoll_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct mypoll_client *client = file->private_data;
	u8 payload[MYPOLL_PAYLOAD_MAX];
	size_t n = min_t(size_t, len, MYPOLL_PAYLOAD_MAX);

	if (!len)
		return 0;
	if (copy_from_user(payload, buf, n))
		return -EFAULT;
	mypoll_event_one(client->dev, MYPOLL_EV_MANUAL, payload, n);
	return n;
}

static __poll_t mypoll_poll(struct file *file, poll_table *wait)
{
	struct mypoll_client *client = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &client->wait, wait);
	if (mypoll_ready(client))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int mypoll_fasync(int fd, struct file *file, int on)
{
	struct mypoll_client *client = file->private_data;

	return fasync_helper(fd, file, on, &client->fasync);
}

static long mypoll_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct mypoll_client *client = file->private_data;
	struct mypoll_device *dev = client->dev;
	void __user *argp = (void __user *)arg;
	struct mypoll_stats st;
	u32 v;

	switch (cmd) {
	case MYPOLL_IOC_GET_PERIOD:
		v = READ_ONCE(dev->period_us);
		return copy_to_user(argp, &v, sizeof(v)) ? -EFAULT : 0;

	case MYPOLL_IOC_SET_PERIOD:
		/* Device-wide, like writing the sysfs file: needs write access. */
		if (!(file->f_mode & FMODE_WRITE))
			return -EPERM;
		if (copy_from_user(&v, argp, sizeof(v)))
			return -EFAULT;
		return mypoll_set_period(dev, v);

	case MYPOLL_IOC_BURST:
		/* Events for every reader of the device, as write() makes. */
		if (!(file->f_mode & FMODE_WRITE))
			return -EPERM;
		if (copy_from_user(&v, argp, sizeof(v)))
			return -EFAULT;
		if (v < 1 || v > MYPOLL_BURST_MAX)
			return -EINVAL;
		return mypoll_burst(dev, v);

	case MYPOLL_IOC_GET_STATS:
		memset(&st, 0, sizeof(st));
		spin_lock_bh(&dev->lock);
		st.queued = mypoll_queued(client);
		st.generated = dev->seq;
		st.delivered = client->delivered;
		st.lost = client->lost;
		spin_unlock_bh(&dev->lock);
		st.capacity = queue_len;
		st.readers = READ_ONCE(dev->readers);
		st.period_us = READ_ONCE(dev->period_us);
		return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static const struct file_operations mypoll_fops = {
	.owner		= THIS_MODULE,
	.open		= mypoll_open,
	.release	= mypoll_release,
	.read		= mypoll_read,
	.write		= mypoll_write,
	.poll		= mypoll_poll,
	.fasync		= mypoll_fasync,
	.unlocked_ioctl	= mypoll_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* ---- sysfs: /sys/class/misc/mypoll* /period_us ------------------------ */

static struct mypoll_device *mypoll_from_dev(struct device *d)
{
	struct miscdevice *misc = dev_get_drvdata(d);

	return container_of(misc, struct mypoll_device, misc);
}

static ssize_t period_us_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	struct mypoll_device *dev = mypoll_from_dev(d);

	return sysfs_emit(buf, "%u\n", READ_ONCE(dev->period_us));
}

static ssize_t period_us_store(struct device *d, struct device_attribute *attr,
			       const char *buf, size_t len)
{
	u32 v;
	int err;

	err = kstrtou32(buf, 0, &v);
	if (err)
		return err;
	err = mypoll_set_period(mypoll_from_dev(d), v);
	return err ? err : len;
}
static DEVICE_ATTR_RW(period_us);

static struct attribute *mypoll_attrs[] = {
	&dev_attr_period_us.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mypoll);

/* ---- module ------------------------------------------------------------- */

static void mypoll_timer_init(struct mypoll_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(&dev->timer, mypoll_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_SOFT);
#else
	hrtimer_init(&dev->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	dev->timer.function = mypoll_timer_fn;
#endif
}

/* Everything of a device that can fail, before anyone can see it. */
static int mypoll_dev_init(struct mypoll_device *dev, unsigned int i)
{
	int err;

	dev->ring = kvmalloc_array(queue_len, sizeof(*dev->ring), GFP_KERNEL);
	if (!dev->ring)
		return -ENOMEM;
	err = init_srcu_struct(&dev->srcu);
	if (err) {
		kvfree(dev->ring);
		return err;
	}
	if (count == 1)
		strscpy(dev->name, "mypoll", sizeof(dev->name));
	else
		snprintf(dev->name, sizeof(dev->name), "mypoll%u", i);
	mutex_init(&dev->period_mutex);
	mutex_init(&dev->clients_mutex);
	INIT_LIST_HEAD(&dev->clients);
	INIT_WORK(&dev->notify_work, mypoll_notify_fn);
	spin_lock_init(&dev->lock);
	mypoll_timer_init(dev);

	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = dev->name;
	dev->misc.fops = &mypoll_fops;
	dev->misc.groups = mypoll_groups;
	dev->misc.mode = 0660;
	return 0;
}

/* Undoes mypoll_dev_init() of a device that is not (or no longer) registered. */
static void mypoll_dev_free(struct mypoll_device *dev)
{
	hrtimer_cancel(&dev->timer);
	/* The last tick may have queued it. */
	cancel_work_sync(&dev->notify_work);
	/* Released clients still waiting to be freed. */
	srcu_barrier(&dev->srcu);
	cleanup_srcu_struct(&dev->srcu);
	mutex_destroy(&dev->clients_mutex);
	mutex_destroy(&dev->period_mutex);
	kvfree(dev->ring);
}

static void mypoll_dev_destroy(struct mypoll_device *dev)
{
	/*
	 * misc_deregister() removes the sysfs attribute and waits for running
	 * store calls, and no file is open (fops.owner pins the module), so
	 * nothing can start the timer or queue the work again once
	 * mypoll_dev_free() has cancelled them.
	 */
	misc_deregister(&dev->misc);
	mypoll_dev_free(dev);
}

static int __init mypoll_init(void)
{
	unsigned int i, ready = 0;
	int err;

	if (!is_power_of_2(queue_len) || queue_len > MYPOLL_QUEUE_MAX) {
		pr_err("queue_len=%u: must be a power of two, 1..%u\n",
		       queue_len, MYPOLL_QUEUE_MAX);
		return -EINVAL;
	}
	if (count < 1 || count > MYPOLL_MAX_DEVICES) {
		pr_err("count=%u: must be 1..%u\n", count, MYPOLL_MAX_DEVICES);
		return -EINVAL;
	}
	if (mypoll_check_period(period_us)) {
		pr_err("period_us=%u: must be 0 (off) or >= %u\n",
		       period_us, MYPOLL_PERIOD_MIN_US);
		return -EINVAL;
	}

	mypoll_devs = kcalloc(count, sizeof(*mypoll_devs), GFP_KERNEL);
	if (!mypoll_devs)
		return -ENOMEM;
	for (; ready < count; ready++) {
		err = mypoll_dev_init(&mypoll_devs[ready], ready);
		if (err)
			goto free;
		mypoll_set_period(&mypoll_devs[ready], period_us);
	}

	/*
	 * A registered device can be opened at once, and init must not fail
	 * after that: a failed init frees the module and its devices whether
	 * or not a file is open. So only the first registration may fail the
	 * load; should a later one fail, the module keeps the devices it has,
	 * as loop and nbd do with theirs.
	 */
	for (i = 0; i < count; i++) {
		err = misc_register(&mypoll_devs[i].misc);
		if (err) {
			pr_err("%s: misc_register: %d\n",
			       mypoll_devs[i].name, err);
			if (!i)
				goto free;
			pr_warn("only %u of %u device(s) registered\n", i,
				count);
			break;
		}
		mypoll_ndevs++;
	}
	while (ready > mypoll_ndevs)
		mypoll_dev_free(&mypoll_devs[--ready]);

	pr_info("%u device(s), period_us=%u, queue_len=%u\n",
		mypoll_ndevs, period_us, queue_len);
	return 0;

free:
	while (ready)
		mypoll_dev_free(&mypoll_devs[--ready]);
	kfree(mypoll_devs);
	return err;
}

static void __exit mypoll_exit(void)
{
	while (mypoll_ndevs)
		mypoll_dev_destroy(&mypoll_devs[--mypoll_ndevs]);
	kfree(mypoll_devs);
}

module_init(mypoll_init);
module_exit(mypoll_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mypoll: event device with per-reader positions, poll, SIGIO");
MODULE_AUTHOR("mypoll-bridge");
